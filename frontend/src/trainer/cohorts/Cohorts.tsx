// A trainer's cohorts: the list, and a form to start one on a published course.
import { listCourses } from '../../api/endpoints';
import { createCohort, listCohorts } from '../../api/progress';
import { DateField, fieldErrors, Form, SelectField, SubmitButton, TextField, useFields, useForm } from '../../components/forms';
import { Page } from '../../components/Layout';
import { useApp } from '../../context';
import { navigate, Link } from '../../router';
import { LoadFailed, Loading, useLoad } from '../../pages/learn';
import { formatDay } from '../../pages/vocab';

export function CohortsScreen() {
  const { t, locale } = useApp();
  const cohorts = useLoad(listCohorts, [locale]);
  return (
    <Page title={t('cohort.listTitle')}>
      <p class="lead">{t('cohort.intro')}</p>
      {cohorts.error ? (
        <LoadFailed error={cohorts.error} onRetry={cohorts.reload} back={{ href: '/', label: t('common.backHome') }} />
      ) : !cohorts.data ? (
        <Loading />
      ) : cohorts.data.items.length === 0 ? (
        <p class="muted">{t('cohort.none')}</p>
      ) : (
        <ul class="cards">
          {cohorts.data.items.map((c) => (
            <li key={c.id} class="card">
              <h2 dir="auto">
                <Link href={`/cohorts/${encodeURIComponent(c.id)}`}>{c.title}</Link>
              </h2>
              <p class="muted">
                <bdi>{c.course_title}</bdi> · {t('cohort.span', { from: formatDay(c.starts_on, locale), to: formatDay(c.ends_on, locale) })}
              </p>
            </li>
          ))}
        </ul>
      )}
      <NewCohortForm />
    </Page>
  );
}

function NewCohortForm() {
  const { t, locale } = useApp();
  const form = useForm();
  const courses = useLoad(() => listCourses({ lang: locale, limit: 100 }), [locale]);
  const { values: v, set } = useFields({ course_slug: '', title: '', starts_on: '', ends_on: '' });
  const options = [{ value: '', label: t('upload.choose') }, ...(courses.data?.items ?? []).map((c) => ({ value: c.slug, label: c.title }))];
  const submit = (e: Event) => {
    e.preventDefault();
    const required = t('common.required');
    void form.run(
      () =>
        fieldErrors({
          course_slug: v.course_slug ? undefined : required,
          title: v.title.trim() ? undefined : required,
          starts_on: v.starts_on ? undefined : required,
          ends_on: !v.ends_on ? required : v.starts_on && v.ends_on < v.starts_on ? t('cohort.endBeforeStart') : undefined,
        }),
      async () => {
        const made = await createCohort({ ...v, title: v.title.trim() });
        navigate(`/cohorts/${encodeURIComponent(made.id)}`);
      },
    );
  };
  return (
    <section aria-labelledby="new-cohort">
      <h2 id="new-cohort">{t('cohort.create')}</h2>
      <Form form={form} onSubmit={submit}>
        <SelectField name="course_slug" label={t('cohort.course')} value={v.course_slug} onValue={set('course_slug')} options={options} error={form.errors.course_slug} />
        <TextField name="title" label={t('cohort.titleField')} hint={t('cohort.titleHint')} value={v.title} onValue={set('title')} error={form.errors.title} />
        <DateField name="starts_on" label={t('cohort.startsOn')} value={v.starts_on} onValue={set('starts_on')} error={form.errors.starts_on} />
        <DateField name="ends_on" label={t('cohort.endsOn')} value={v.ends_on} onValue={set('ends_on')} error={form.errors.ends_on} />
        <SubmitButton busy={form.busy} label={t('cohort.create')} />
      </Form>
    </section>
  );
}

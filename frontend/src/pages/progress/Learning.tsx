// "Mon apprentissage": each course followed, with its progress and "continue", then the attestations earned.
import { certificatePageHref, getMyCertificates, getMyProgress, type CourseProgressSummary } from '../../api/progress';
import { Page } from '../../components/Layout';
import { useApp } from '../../context';
import { formatDate } from '../../i18n';
import { Link } from '../../router';
import { LoadFailed, Loading, useLoad } from '../learn';
import { CertificateLinks, ProgressBar, ResumeLink } from './parts';

export function Learning() {
  const { t, locale } = useApp();
  const courses = useLoad(getMyProgress, [locale]);
  const certificates = useLoad(getMyCertificates, [locale]);
  const back = { href: '/courses', label: t('learn.backToCatalogue') };
  return (
    <Page title={t('learning.title')}>
      {courses.error ? (
        <LoadFailed error={courses.error} onRetry={courses.reload} back={back} />
      ) : !courses.data ? (
        <Loading />
      ) : courses.data.items.length === 0 ? (
        <p>
          {t('learning.empty')} <Link href="/courses">{t('learning.browse')}</Link>
        </p>
      ) : (
        <ul class="cards">
          {courses.data.items.map((c) => (
            <FollowedCourse key={c.course_slug} course={c} />
          ))}
        </ul>
      )}
      <h2>{t('learning.certificates')}</h2>
      {certificates.error ? (
        <LoadFailed error={certificates.error} onRetry={certificates.reload} back={back} />
      ) : !certificates.data ? (
        <Loading />
      ) : certificates.data.items.length === 0 ? (
        <p class="muted">{t('learning.noCertificates')}</p>
      ) : (
        <ul class="cards">
          {certificates.data.items.map((c) => (
            <li key={c.code} class="card">
              <h3 dir="auto">{c.course_title}</h3>
              <p class="muted">
                {t('certificate.issuedOn', { date: formatDate(c.issued_at, locale) })} · {t('certificate.code')} <code dir="ltr">{c.code}</code>
              </p>
              <CertificateLinks code={c.code} />
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function FollowedCourse({ course: c }: { course: CourseProgressSummary }) {
  const { t, locale } = useApp();
  return (
    <li class="card followed">
      <h2>
        <Link href={`/courses/${encodeURIComponent(c.course_slug)}`}>
          <bdi>{c.course_title}</bdi>
        </Link>
      </h2>
      <ProgressBar done={c.completed_items} total={c.total_items} percent={c.percent} label={c.course_title} />
      <p class="muted">{t('learning.lastActivity', { date: formatDate(c.last_activity_at, locale) })}</p>
      {c.completed_at ? (
        <p class="actions">
          <span class="badge badge--ok">
            <span aria-hidden="true">✓</span> {t('progress.completed')}
          </span>
          {c.certificate_code && (
            <Link href={certificatePageHref(c.certificate_code)} class="button">
              {t('learning.seeCertificate')}
            </Link>
          )}
        </p>
      ) : (
        <p class="actions">
          <ResumeLink id={c.resume_item_id ?? null} kind={c.resume_item_kind ?? null} started={c.completed_items > 0} />
        </p>
      )}
    </li>
  );
}

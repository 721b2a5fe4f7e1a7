import { getCourse } from '../api/endpoints';
import { getCourseProgress, type CourseProgress } from '../api/progress';
import { itemHref, type CourseDetail } from '../api/types';
import { useApp } from '../context';
import { Link } from '../router';
import { CourseMeta, formatMinutes } from './Catalogue';
import { KindLabel, LoadFailed, Loading, PreviewBanner, usePreview, useTitle, useLoad } from './learn';
import { Sentence, textAttrs } from '../components/bidi';
import { CourseStanding } from './progress/CourseStanding';
import { rememberCourse } from './progress/parts';
import { Icon } from '../components/Icon';
import { OfflineSave } from '../offline/OfflineSave';

export function Course({ slug }: { slug: string }) {
  const { t, locale, me } = useApp();
  const preview = usePreview();
  const course = useLoad(() => getCourse(slug, locale, preview), [slug, locale, preview]);
  // A reader's own progress; nothing for a visitor or an author's preview (and a failure only hides it).
  const mine = useLoad(() => (me && !preview ? getCourseProgress(slug) : Promise.resolve(null)), [slug, locale, preview, me?.id]);
  const c = course.data;
  useTitle(c?.title);
  if (course.error) return <LoadFailed error={course.error} onRetry={course.reload} />;
  if (!c) return <Loading />;
  rememberCourse(c.slug);
  const progress = mine.data;
  const first = c.modules.flatMap((m) => m.items)[0];
  return (
    <>
      <PreviewBanner show={c.preview} />
      <h1 tabIndex={-1} {...textAttrs(c.language)}>
        {c.title}
      </h1>
      <p class="lead" {...textAttrs(c.language)}>
        {c.summary}
      </p>
      <CourseMeta theme={c.theme} level={c.level} minutes={c.estimated_minutes} />
      {progress && <CourseStanding progress={progress} />}
      <div class="actions">
        {first && !progress?.resume_item_id && !progress?.completed_at && (
          <Link href={itemHref(first, preview)} class="button button--primary">
            {t('course.start')}
          </Link>
        )}
        {c.can_edit && (
          <Link href={`/authoring/courses/${encodeURIComponent(c.slug)}`} class="button">
            {t('course.edit')}
          </Link>
        )}
      </div>
      {!c.preview && <OfflineSave slug={c.slug} />}
      <h2 class="outline-title">{t('course.outline')}</h2>
      {c.modules.length === 0 && <p class="muted">{t('course.empty')}</p>}
      <Outline course={c} progress={progress} preview={preview} />
    </>
  );
}

/** The modules and their items; with the reader's progress, done items are ticked and locked modules say why. */
function Outline({ course: c, progress, preview }: { course: CourseDetail; progress: CourseProgress | null; preview: boolean }) {
  const { t } = useApp();
  const done = new Set(progress?.completed_item_ids ?? []);
  return (
    <ol class="outline">
      {c.modules.map((m, i) => {
        const lock = progress?.locked_modules.find((l) => l.module_id === m.id);
        return (
          <li key={m.id} class={lock ? 'outline__module outline__module--locked' : 'outline__module'}>
            <h3>
              {lock && (
                <>
                  <Icon name="lock" />{' '}
                </>
              )}
              <span class="outline__num">{t('course.module', { n: i + 1 })}</span> <span {...textAttrs(c.language)}>{m.title}</span>
            </h3>
            {lock && (
              <p class="outline__lock">
                {t('progress.locked')} <Sentence text={t('progress.finishFirst')} parts={{ title: <span {...textAttrs(c.language)}>{lock.requires_module_title}</span> }} />
              </p>
            )}
            <ol class="outline__items">
              {m.items.map((item) => {
                const body = (
                  <>
                    <KindLabel kind={item.kind} />
                    <span class="outline__item-title" {...textAttrs(c.language)}>
                      {item.title}
                    </span>
                    {item.estimated_minutes != null && <span class="muted">{formatMinutes(item.estimated_minutes, t)}</span>}
                    {done.has(item.id) && (
                      <span class="outline__done">
                        <span aria-hidden="true">✓</span> {t('progress.itemDone')}
                      </span>
                    )}
                  </>
                );
                return (
                  <li key={item.id}>
                    {lock ? (
                      <span class="outline__item outline__item--locked">{body}</span>
                    ) : (
                      <Link href={itemHref(item, preview)} class="outline__item">
                        {body}
                      </Link>
                    )}
                  </li>
                );
              })}
            </ol>
          </li>
        );
      })}
    </ol>
  );
}

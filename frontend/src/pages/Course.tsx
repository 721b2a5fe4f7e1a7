import { getCourse } from '../api/endpoints';
import { itemHref } from '../api/types';
import { useApp } from '../context';
import { Link } from '../router';
import { CourseMeta, formatMinutes } from './Catalogue';
import { contentAttrs, KindLabel, LoadFailed, Loading, PreviewBanner, usePreview, useTitle, useLoad } from './learn';

export function Course({ slug }: { slug: string }) {
  const { t, locale } = useApp();
  const preview = usePreview();
  const course = useLoad(() => getCourse(slug, locale, preview), [slug, locale, preview]);
  const c = course.data;
  useTitle(c?.title);
  if (course.error) return <LoadFailed error={course.error} onRetry={course.reload} />;
  if (!c) return <Loading />;
  const first = c.modules.flatMap((m) => m.items)[0];
  return (
    <>
      <PreviewBanner show={c.preview} />
      <div {...contentAttrs(c.language)}>
        <h1 tabIndex={-1}>{c.title}</h1>
        <p class="lead">{c.summary}</p>
      </div>
      <CourseMeta theme={c.theme} level={c.level} minutes={c.estimated_minutes} />
      <div class="actions">
        {first && (
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
      <h2 class="outline-title">{t('course.outline')}</h2>
      {c.modules.length === 0 && <p class="muted">{t('course.empty')}</p>}
      <ol class="outline">
        {c.modules.map((m, i) => (
          <li key={m.id} class="outline__module">
            <h3>
              <span class="outline__num">{t('course.module', { n: i + 1 })}</span>{' '}
              <span {...contentAttrs(c.language)}>{m.title}</span>
            </h3>
            <ol class="outline__items">
              {m.items.map((item) => (
                <li key={item.id}>
                  <Link href={itemHref(item, preview)} class="outline__item">
                    <KindLabel kind={item.kind} />
                    <span class="outline__item-title" {...contentAttrs(c.language)}>
                      {item.title}
                    </span>
                    {item.estimated_minutes != null && <span class="muted">{formatMinutes(item.estimated_minutes, t)}</span>}
                  </Link>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </>
  );
}

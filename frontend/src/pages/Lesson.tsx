import { getLesson } from '../api/endpoints';
import { useApp } from '../context';
import { formatMinutes } from './Catalogue';
import { LessonDone } from './progress/LessonDone';
import { Crumb, InOtherLanguage, ItemNav, KindLabel, LoadFailed, Loading, PreviewBanner, usePreview, useTitle, useLoad } from './learn';
import { textAttrs } from '../components/bidi';

export function Lesson({ id }: { id: string }) {
  const { t, locale } = useApp();
  const preview = usePreview();
  const lesson = useLoad(() => getLesson(id, locale, preview), [id, locale, preview]);
  const l = lesson.data;
  useTitle(l?.title);
  if (lesson.error) return <LoadFailed error={lesson.error} onRetry={lesson.reload} />;
  if (!l) return <Loading />;
  return (
    <article class="reader">
      <PreviewBanner show={preview} />
      <Crumb slug={l.course_slug} title={l.course_title} language={l.language} preview={preview} />
      <header class="reader__head">
        <p class="reader__kicker">
          <KindLabel kind="lesson" /> · <span {...textAttrs(l.language)}>{l.module_title}</span>
          {l.estimated_minutes != null && <> · {formatMinutes(l.estimated_minutes, t)}</>}
        </p>
        <h1 tabIndex={-1} {...textAttrs(l.language)}>
          {l.title}
        </h1>
      </header>
      {/* Sanitized by the server when the lesson was saved. */}
      <InOtherLanguage language={l.body_language} />
      <div class="prose" {...textAttrs(l.body_language)} dangerouslySetInnerHTML={{ __html: scrollableTables(l.body_html) }} />
      {!preview && <LessonDone id={l.id} slug={l.course_slug} next={l.next_item} />}
      <ItemNav previous={l.previous_item} next={l.next_item} language={l.language} preview={preview} />
    </article>
  );
}

/** A wide table scrolls in its own box on a phone: focusable, so the keyboard can scroll it too. */
function scrollableTables(html: string): string {
  return html.replace(/<table(?=[\s>])/gi, '<table tabindex="0"');
}

// The case-study player: the page around a run (see useRun.ts) and its screens (Scenes.tsx).
import { getCaseStudy } from '../../api/endpoints';
import { useApp } from '../../context';
import { Crumb, ItemNav, KindLabel, LoadFailed, Loading, PreviewBanner, usePreview, useTitle, useLoad } from '../learn';
import { textAttrs } from '../../components/bidi';
import { Ending, Feedback, Intro, Path, Scene } from './Scenes';
import { useRun } from './useRun';

export function CaseStudy({ id }: { id: string }) {
  const { locale, t } = useApp();
  const preview = usePreview();
  const cs = useLoad(() => getCaseStudy(id, locale, preview), [id, locale, preview]);
  const run = useRun(preview);
  const c = cs.data;
  useTitle(c?.title);

  if (cs.error) return <LoadFailed error={cs.error} onRetry={cs.reload} />;
  if (!c) return <Loading />;
  const { node, outcome, busy, error, focusRef } = run;
  const ending = !outcome && node?.ending ? node.ending : null;
  const start = () => void run.start(c.id);

  return (
    <article class="reader case">
      <PreviewBanner show={preview} />
      <Crumb slug={c.course_slug} title={c.course_title} language={c.language} preview={preview} />
      <p class="reader__kicker">
        <KindLabel kind="case_study" />
      </p>
      <h1 tabIndex={-1} {...textAttrs(c.language)}>
        {c.title}
      </h1>
      {!node && <Intro cs={c} error={error} busy={busy} onStart={start} />}
      {/* Always on the page, so that a screen reader says the notice when it comes. */}
      <div role="status">
        {node && run.onDevice && (
          <p class="alert alert--warn">
            <span aria-hidden="true">↻</span> {t('outbox.runOnDevice')}
          </p>
        )}
      </div>
      <Path steps={run.steps} />
      {node && outcome && <Feedback outcome={outcome} focusRef={focusRef} onNext={run.next} />}
      {node && !outcome && !ending && (
        <Scene node={node} number={run.steps.length + 1} error={error} busy={busy} focusRef={focusRef} onChoose={(ch, label, language) => void run.choose(ch, label, language)} />
      )}
      {node && ending && <Ending ending={ending} busy={busy} focusRef={focusRef} onRestart={start} />}
      {node && !ending && busy && <Loading />}
      <ItemNav previous={c.previous_item} next={c.next_item} language={c.language} preview={preview} />
    </article>
  );
}

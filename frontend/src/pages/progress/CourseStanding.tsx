// Where the reader stands in a course, above its outline: the bar, "continue", and the attestation once done.
import type { CourseProgress } from '../../api/progress';
import { useApp } from '../../context';
import { CertificateLinks, ProgressBar, ResumeLink } from './parts';

export function CourseStanding({ progress: p }: { progress: CourseProgress }) {
  const { t } = useApp();
  return (
    <section class="standing" aria-label={t('progress.yourProgress')}>
      <ProgressBar done={p.completed_items} total={p.total_items} percent={p.percent} label={t('progress.yourProgress')} />
      {p.completed_at ? (
        <>
          <p class="standing__done">
            <span aria-hidden="true">✓</span> {t('progress.completed')}
          </p>
          {p.certificate_code && <CertificateLinks code={p.certificate_code} />}
        </>
      ) : (
        <p class="actions">
          <ResumeLink id={p.resume_item_id ?? null} kind={p.resume_item_kind ?? null} started={p.completed_items > 0} />
        </p>
      )}
    </section>
  );
}

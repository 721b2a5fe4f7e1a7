// Pieces the progress screens share: the progress bar, the resume link, an attestation's links,
// and the "finish the earlier module first" answer.
import { ApiError } from '../../api/client';
import { certificatePageHref, certificatePdfUrl } from '../../api/progress';
import { itemHref } from '../../api/types';
import { useApp } from '../../context';
import { Link } from '../../router';
import { Icon } from '../../components/Icon';
import { Sentence } from '../../components/bidi';

/** The problem type the item endpoints answer for a module whose prerequisite is not finished. */
export const MODULE_LOCKED = 'urn:sanad:problem:module-locked';

/** A bar with its numbers said in words ("3 sur 4 éléments"), for screen readers and sighted readers alike. */
export function ProgressBar({ done, total, percent, label }: { done: number; total: number; percent: number; label: string }) {
  const { t } = useApp();
  const words = t('progress.items', { done, total });
  return (
    <div class="progress">
      <div
        class="progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${words} (${percent} %)`}
      >
        <span class="progress__fill" style={{ inlineSize: `${Math.min(100, Math.max(0, percent))}%` }} />
      </div>
      <p class="progress__text">
        {words} · {percent} %
      </p>
    </div>
  );
}

/** "Continue": the first item not finished, when there is one. */
export function ResumeLink({ id, kind, started }: { id: string | null; kind: string | null; started: boolean }) {
  const { t } = useApp();
  if (!id || !kind) return null;
  return (
    <Link href={itemHref({ id, kind })} class="button button--primary">
      {started ? t('progress.continue') : t('course.start')}
    </Link>
  );
}

/** Download the PDF, open the public verification page. */
export function CertificateLinks({ code }: { code: string }) {
  const { t } = useApp();
  return (
    <p class="actions">
      <a href={certificatePdfUrl(code)} class="button" download>
        {t('certificate.download')}
      </a>
      <Link href={certificatePageHref(code)} class="button">
        {t('certificate.verifyLink')}
      </Link>
    </p>
  );
}

/** The title of the module to finish first, from a module-locked problem, or null for any other failure. */
export function lockedBy(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.type !== MODULE_LOCKED) return null;
  return error.problems.find((p) => p.field === 'module')?.message ?? '';
}

/**
 * An item of a locked module: which module to finish first, and the way back to the course
 * (the problem may name it as `course`; else the course last opened, else "my learning").
 */
export function LockedItem({ error }: { error: ApiError }) {
  const { t } = useApp();
  const module = lockedBy(error) ?? '';
  const course = error.problems.find((p) => p.field === 'course')?.message || lastCourse;
  return (
    <>
      <h1 tabIndex={-1}>{t('progress.lockedTitle')}</h1>
      <div class="alert alert--warn" role="alert">
        <Icon name="lock" /> {module ? <Sentence text={t('progress.finishFirst')} parts={{ title: module }} /> : error.detail}
      </div>
      <p class="actions">
        <Link href={course ? `/courses/${encodeURIComponent(course)}` : '/learning'} class="button button--primary">
          {course ? t('learn.backToCourse') : t('nav.learning')}
        </Link>
      </p>
    </>
  );
}

let lastCourse = '';
/** Remembers the course whose outline was opened last (for the way back from a locked item). */
export function rememberCourse(slug: string): void {
  lastCourse = slug;
}

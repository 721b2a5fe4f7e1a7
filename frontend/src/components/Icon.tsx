// Icons drawn inline, so they show on every phone: emoji render as empty boxes
// where no emoji font is installed. Stroke icons in currentColor, 1em square.

/** The drawings, each a 24x24 outline. */
const PATHS = {
  /** A lesson: an open book. */
  lesson: 'M12 6.5C10 5 7 4.5 3.5 5v13c3.5-.5 6.5 0 8.5 1.5m0-13c2-1.5 5-2 8.5-1.5v13c-3.5-.5-6.5 0-8.5 1.5m0-13v13',
  /** A quiz: a ticked box. */
  quiz: 'M5 3.5h14a1.5 1.5 0 0 1 1.5 1.5v14a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 19V5A1.5 1.5 0 0 1 5 3.5zm3 8.5 3 3 5-6',
  /** A case study: a compass (a way to find). */
  case_study: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zm3.5 5.5-2 5-5 2 2-5z',
  /** A locked module: a padlock. */
  lock: 'M6.5 11h11a1.5 1.5 0 0 1 1.5 1.5v7a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 19.5v-7A1.5 1.5 0 0 1 6.5 11zM8 11V7.5a4 4 0 0 1 8 0V11',
} as const;

/** The name of an icon. */
export type IconName = keyof typeof PATHS;

/**
 * An icon. Decorative (hidden from screen readers) unless `label` is given,
 * in which case it is announced as an image with that name.
 */
export function Icon({ name, label }: { name: IconName; label?: string }) {
  const a11y = label ? { role: 'img' as const, 'aria-label': label } : { 'aria-hidden': 'true' as const };
  return (
    <svg class="icon" viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false" {...a11y}>
      <path d={PATHS[name]} />
    </svg>
  );
}

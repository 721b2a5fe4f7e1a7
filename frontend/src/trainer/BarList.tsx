// Counts as horizontal bars, each with its label and its number written out (no chart library).
export interface Bar {
  key: string;
  label: string;
  count: number;
  /** The number as said under the bar ("3 avis", "12 séances"). */
  text: string;
}

export function BarList({ bars, labelledBy }: { bars: Bar[]; labelledBy: string }) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  return (
    <ul class="bars" aria-labelledby={labelledBy}>
      {bars.map((b) => (
        <li key={b.key} class="bars__row">
          <span class="bars__label">{b.label}</span>
          <span class="bars__track" aria-hidden="true">
            <span class="bars__fill" style={{ inlineSize: `${Math.round((b.count / max) * 100)}%` }} />
          </span>
          <span class="bars__count">{b.text}</span>
        </li>
      ))}
    </ul>
  );
}

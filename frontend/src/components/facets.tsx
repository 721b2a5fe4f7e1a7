// Lists over a vocabulary (a facet of the library): checkboxes to pick several values.
import { useApp } from '../context';
import { vocabLabel, type Facet } from '../pages/vocab';

/** Checkboxes for some values of a facet; the picked values keep the list's order. */
export function CheckGroup({
  name,
  legend,
  facet,
  values,
  selected,
  onValue,
  error,
}: {
  name: string;
  legend: string;
  facet: Facet;
  values: readonly string[];
  selected: string[];
  onValue: (v: string[]) => void;
  error?: string | undefined;
}) {
  const { t } = useApp();
  const errorId = `f-${name}-error`;
  return (
    <fieldset name={name} class={error ? 'field--invalid' : undefined} aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {values.map((v, i) => (
        <div key={v} class="check">
          <input
            type="checkbox"
            id={`f-${name}-${v}`}
            name={name}
            value={v}
            checked={selected.includes(v)}
            aria-invalid={error && i === 0 ? 'true' : undefined}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              onValue(on ? values.filter((x) => x === v || selected.includes(x)) : selected.filter((x) => x !== v));
            }}
          />
          <label for={`f-${name}-${v}`}>{vocabLabel(t, facet, v)}</label>
        </div>
      ))}
      {error && (
        <p class="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

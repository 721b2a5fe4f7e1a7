// The pieces of the search and filter forms (library, directory).

/** A search box and its button (the caller's form or row around them). */
export function SearchBox({ id, label, submit, value, onValue }: { id: string; label: string; submit: string; value: string; onValue: (q: string) => void }) {
  return (
    <>
      <div class="field">
        <label for={id}>{label}</label>
        <input id={id} type="search" name="q" dir="auto" enterKeyHint="search" value={value} onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <button type="submit" class="button button--primary">
        {submit}
      </button>
    </>
  );
}

interface FilterProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** The first option, that filters nothing. */
  all: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

/** A filter that applies as soon as it changes. */
export function FilterSelect({ id, name, label, value, onValue, all, options }: FilterProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

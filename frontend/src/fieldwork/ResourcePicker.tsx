// The library resources used in a session: search the library, add or remove results (at most 20).
import { useState } from 'preact/hooks';
import { searchLibrary } from '../api/endpoints';
import type { UsedResource } from '../api/progress';
import type { ResourceHit } from '../api/types';
import { useApp } from '../context';
import { describeError } from '../errors';

export const MAX_RESOURCES = 20;

interface Props {
  chosen: UsedResource[];
  onChange: (chosen: UsedResource[]) => void;
  error?: string | undefined;
}

export function ResourcePicker({ chosen, onChange, error }: Props) {
  const { t } = useApp();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ResourceHit[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const search = async () => {
    if (!q.trim()) return;
    setFailure(null);
    try {
      setHits((await searchLibrary({ q: q.trim(), limit: 10 })).items);
    } catch (e) {
      setFailure(describeError(e, t));
    }
  };
  const has = (id: string) => chosen.some((r) => r.id === id);
  return (
    // A fieldset named like the API field, so that the form puts `resource_ids` errors here.
    <fieldset name="resource_ids" class={error ? 'field field--invalid picker' : 'field picker'} aria-describedby={error ? 'resource_ids-error' : undefined}>
      <legend>
        {t('field.resources')} <span class="optional">({t('common.optional')})</span>
      </legend>
      {chosen.length > 0 && (
        <ul class="picker__chosen">
          {chosen.map((r) => (
            <li key={r.id}>
              <span dir="auto">{r.title}</span>{' '}
              <button type="button" class="button button--small" onClick={() => onChange(chosen.filter((c) => c.id !== r.id))}>
                {t('field.removeResource')}
                <span class="visually-hidden"> : {r.title}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <label for="resource-search">{t('field.searchResources')}</label>
      <div class="picker__search">
        <input
          id="resource-search"
          type="search"
          dir="auto"
          value={q}
          enterKeyHint="search"
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            // Enter searches here instead of sending the whole form.
            if (e.key === 'Enter') {
              e.preventDefault();
              void search();
            }
          }}
        />
        <button type="button" class="button" onClick={() => void search()}>
          {t('search.submit')}
        </button>
      </div>
      {failure && <p class="field-error">{failure}</p>}
      {hits && hits.length === 0 && <p class="muted">{t('field.noResources')}</p>}
      {hits && hits.length > 0 && (
        <ul class="picker__hits" aria-live="polite">
          {hits.map((h) => (
            <li key={h.id}>
              <span dir="auto">{h.title}</span>{' '}
              <button
                type="button"
                class="button button--small"
                disabled={has(h.id) || chosen.length >= MAX_RESOURCES}
                onClick={() => onChange([...chosen, { id: h.id, title: h.title }])}
              >
                {has(h.id) ? t('field.resourceAdded') : t('field.addResource')}
                <span class="visually-hidden"> : {h.title}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p class="field-error" id="resource_ids-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

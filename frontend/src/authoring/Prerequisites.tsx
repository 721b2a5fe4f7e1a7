import { renameModule } from '../api/authoring';
import type { DraftCourse, DraftModule } from '../api/types';
import { useApp } from '../context';
import { mainText, Problems, useAction } from './fields';
import { textAttrs } from '../components/bidi';

/** Which earlier modules a learner must finish before this one opens: checked boxes, saved at once. */
export function Prerequisites({ draft, module: m, index, onChange }: { draft: DraftCourse; module: DraftModule; index: number; onChange: () => void }) {
  const { t } = useApp();
  const action = useAction();
  const earlier = draft.modules.slice(0, index);
  if (earlier.length === 0) return null;
  const toggle = (key: string, on: boolean) => {
    const keys = on ? [...m.requires, key] : m.requires.filter((k) => k !== key);
    const requires = earlier.filter((e) => keys.includes(e.key)).map((e) => e.id);
    void action.run(async () => {
      await renameModule(m.id, { title: m.title, requires });
      onChange();
    });
  };
  return (
    <fieldset class="chips" aria-busy={action.busy ? 'true' : 'false'}>
      <legend>{t('authoring.prerequisites')}</legend>
      <p class="hint">{t('authoring.prerequisitesHint')}</p>
      {earlier.map((e) => (
        <label key={e.id} class="chip">
          <input
            type="checkbox"
            checked={m.requires.includes(e.key)}
            disabled={action.busy}
            onChange={(ev) => toggle(e.key, (ev.currentTarget as HTMLInputElement).checked)}
          />
          <span {...textAttrs(mainText(e.title).lang)}>{mainText(e.title).text}</span>
        </label>
      ))}
      <Problems error={action.error} />
    </fieldset>
  );
}

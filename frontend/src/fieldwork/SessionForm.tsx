// Record a session run after the training: date, territory, audience, participants, resources, notes.
// Only empty fields are checked here; the server names every other bad field (422) and each shows beside its field.
import { FIELD_AUDIENCES, recordFieldSession, type FieldSessionView, type UsedResource } from '../api/progress';
import { DateField, FieldFrame, fieldErrors, Form, SelectField, Status, SubmitButton, useFields, useForm } from '../components/forms';
import { useApp } from '../context';
import { useTerritoryOptions } from '../pages/progress/territories';
import { fieldAudienceLabel } from '../pages/vocab';
import { useState } from 'preact/hooks';
import { ResourcePicker } from './ResourcePicker';

/** Today as `YYYY-MM-DD` in the person's own time zone. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

interface Values {
  held_on: string;
  territory: string;
  audience: string;
  participants: string;
  notes: string;
  resources: UsedResource[];
}

export function SessionForm({ onRecorded }: { onRecorded: (s: FieldSessionView) => void }) {
  const { t, me } = useApp();
  const form = useForm();
  const blank = (): Values => ({ held_on: today(), territory: me?.territory ?? '', audience: '', participants: '', notes: '', resources: [] });
  const { values: v, set, reset } = useFields<Values>(blank);
  const [saved, setSaved] = useState<string | null>(null);
  const choose = t('upload.choose');
  const territories = [{ value: '', label: choose }, ...useTerritoryOptions()];
  const audiences = [{ value: '', label: choose }, ...FIELD_AUDIENCES.map((a) => ({ value: a, label: fieldAudienceLabel(t, a) }))];
  const e = form.errors;

  const submit = (ev: Event) => {
    ev.preventDefault();
    setSaved(null);
    const required = t('common.required');
    void form.run(
      () =>
        fieldErrors({
          held_on: v.held_on ? undefined : required,
          territory: v.territory ? undefined : required,
          audience: v.audience ? undefined : required,
          participants: v.participants.trim() ? undefined : required,
        }),
      async () => {
        const session = await recordFieldSession({
          held_on: v.held_on,
          territory: v.territory,
          audience: v.audience,
          // A value that is not a whole number is sent as it is understood (NaN -> 0) and refused by the server by name.
          participants: Math.trunc(Number(v.participants)) || 0,
          resource_ids: v.resources.map((r) => r.id),
          notes: v.notes.trim(),
        });
        onRecorded(session);
        reset(blank());
        setSaved(t('field.saved'));
      },
    );
  };

  return (
    <Form form={form} onSubmit={submit}>
      <Status message={saved} />
      <DateField name="held_on" label={t('field.heldOn')} max={today()} value={v.held_on} onValue={set('held_on')} error={e.held_on} />
      <SelectField name="territory" label={t('field.territory')} value={v.territory} onValue={set('territory')} options={territories} error={e.territory} />
      <SelectField name="audience" label={t('field.audience')} value={v.audience} onValue={set('audience')} options={audiences} error={e.audience} />
      <FieldFrame name="participants" label={t('field.participants')} hint={t('field.participantsHint')} error={e.participants}>
        {(a11y) => (
          <input
            {...a11y}
            type="number"
            name="participants"
            inputMode="numeric"
            min={1}
            max={10000}
            value={v.participants}
            aria-required="true"
            onInput={(x) => set('participants')((x.currentTarget as HTMLInputElement).value)}
          />
        )}
      </FieldFrame>
      <ResourcePicker chosen={v.resources} onChange={set('resources')} error={e.resource_ids} />
      <FieldFrame name="notes" label={t('field.notes')} hint={t('field.notesHint')} optional error={e.notes}>
        {(a11y) => <textarea {...a11y} name="notes" rows={4} maxLength={4000} dir="auto" value={v.notes} onInput={(x) => set('notes')((x.currentTarget as HTMLTextAreaElement).value)} />}
      </FieldFrame>
      <SubmitButton busy={form.busy} label={t('field.submit')} />
    </Form>
  );
}

// The form that adds a service to the directory or edits one.
import { useState } from 'preact/hooks';
import { createService, updateService } from '../api/trainer';
import { SERVICE_KINDS, TERRITORIES, type DirectoryService, type NewService, type ServiceUpdate } from '../api/types';
import { FieldFrame, Form, SelectField, Status, SubmitButton, TextField, useForm, type FieldErrors } from '../components/forms';
import { useApp } from '../context';
import { TextArea } from '../authoring/fields';
import { kindLabel, territoryLabel } from '../pages/vocab';
import { renameFields } from './problems';

interface ServiceValue {
  territory: string;
  kind: string;
  name: string;
  address: string;
  phone: string;
  hours: string;
  services: string;
  notes: string;
  verified_at: string;
}

const SERVICE_FIELDS: Array<keyof ServiceValue> = ['territory', 'kind', 'name', 'address', 'phone', 'hours', 'services', 'notes', 'verified_at'];

function toValue(s: DirectoryService | null, territory: string): ServiceValue {
  return {
    territory: s?.territory ?? territory,
    kind: s?.kind ?? '',
    name: s?.name ?? '',
    address: s?.address ?? '',
    phone: s?.phone ?? '',
    hours: s?.hours ?? '',
    services: s?.services.join('\n') ?? '',
    notes: s?.notes ?? '',
    verified_at: s?.verified_at ?? '',
  };
}

/** The form's values trimmed, the services one a line. */
function trimmed(v: ServiceValue) {
  const services = v.services
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  return { name: v.name.trim(), address: v.address.trim(), phone: v.phone.trim(), hours: v.hours.trim(), notes: v.notes.trim(), services };
}

/** An edit: empty optional fields are cleared (null); the others are sent as they are. */
function toUpdate(v: ServiceValue, service: DirectoryService): ServiceUpdate {
  const x = trimmed(v);
  return {
    territory: v.territory,
    kind: v.kind,
    name: x.name,
    address: x.address || null,
    phone: x.phone || null,
    hours: x.hours || null,
    services: x.services,
    notes: x.notes || null,
    ...(v.verified_at && v.verified_at !== service.verified_at ? { verified_at: v.verified_at } : {}),
  };
}

/** A new service: empty optional fields are left out. */
function toNew(v: ServiceValue): NewService {
  const { name, services, ...optional } = trimmed(v);
  const given = Object.entries({ ...optional, verified_at: v.verified_at }).filter(([, value]) => value);
  return { territory: v.territory, kind: v.kind, name, ...Object.fromEntries(given), ...(services.length ? { services } : {}) };
}

/** Adds a service (no `service`) or edits one. Field names carry a prefix so that several forms can be open. */
export function ServiceForm({
  service,
  territory,
  onSaved,
  onCancel,
}: {
  service: DirectoryService | null;
  territory: string;
  onSaved: (s: DirectoryService) => void;
  onCancel?: () => void;
}) {
  const { t } = useApp();
  const form = useForm();
  const [v, setV] = useState<ServiceValue>(() => toValue(service, territory));
  const [done, setDone] = useState<string | null>(null);
  const p = `svc-${service?.id ?? 'new'}`;
  const n = (field: keyof ServiceValue) => `${p}-${field}`;
  const e = form.errors;
  const set = (field: keyof ServiceValue) => (value: string) => setV({ ...v, [field]: value });

  const submit = (ev: Event) => {
    ev.preventDefault();
    setDone(null);
    void form.run(
      () => {
        const errors: FieldErrors = {};
        if (!v.territory) errors[n('territory')] = t('common.required');
        if (!v.kind) errors[n('kind')] = t('common.required');
        if (!v.name.trim()) errors[n('name')] = t('common.required');
        return errors;
      },
      async () => {
        try {
          let saved: DirectoryService;
          if (service) saved = await updateService(service.id, toUpdate(v, service));
          else {
            saved = await createService(toNew(v));
            setV(toValue(null, v.territory));
          }
          setDone(t('directory.saved'));
          onSaved(saved);
        } catch (err) {
          throw renameFields(err, (pr) => (SERVICE_FIELDS.includes(pr.field as keyof ServiceValue) ? { ...pr, field: n(pr.field as keyof ServiceValue) } : pr));
        }
      },
    );
  };

  return (
    <Form form={form} onSubmit={submit} class="stack service-form">
      <SelectField
        name={n('territory')}
        label={t('directory.territory')}
        value={v.territory}
        onValue={set('territory')}
        error={e[n('territory')]}
        options={[{ value: '', label: t('upload.choose') }, ...TERRITORIES.map((x) => ({ value: x, label: territoryLabel(t, x) }))]}
      />
      <SelectField
        name={n('kind')}
        label={t('directory.kind')}
        value={v.kind}
        onValue={set('kind')}
        error={e[n('kind')]}
        options={[{ value: '', label: t('upload.choose') }, ...SERVICE_KINDS.map((x) => ({ value: x, label: kindLabel(t, x) }))]}
      />
      <TextField name={n('name')} label={t('directory.name')} value={v.name} onValue={set('name')} error={e[n('name')]} dir="auto" />
      <TextField name={n('address')} label={t('directory.address')} value={v.address} onValue={set('address')} error={e[n('address')]} optional dir="auto" />
      <FieldFrame name={n('phone')} label={t('directory.phone')} hint={t('directory.phoneHint')} error={e[n('phone')]} optional>
        {(a11y) => (
          <input {...a11y} type="tel" dir="ltr" name={n('phone')} value={v.phone} onInput={(ev) => set('phone')((ev.currentTarget as HTMLInputElement).value)} />
        )}
      </FieldFrame>
      <TextField name={n('hours')} label={t('directory.hours')} value={v.hours} onValue={set('hours')} error={e[n('hours')]} optional dir="auto" />
      <TextArea
        name={n('services')}
        label={t('directory.services')}
        hint={t('directory.servicesHint')}
        value={v.services}
        onValue={set('services')}
        error={e[n('services')]}
        optional
        rows={3}
      />
      <TextArea name={n('notes')} label={t('directory.notes')} value={v.notes} onValue={set('notes')} error={e[n('notes')]} optional rows={3} />
      <FieldFrame name={n('verified_at')} label={t('directory.verifiedAt')} hint={t('directory.verifiedAtHint')} error={e[n('verified_at')]} optional>
        {(a11y) => (
          <input {...a11y} type="date" name={n('verified_at')} value={v.verified_at} onInput={(ev) => set('verified_at')((ev.currentTarget as HTMLInputElement).value)} />
        )}
      </FieldFrame>
      <Status message={done} />
      <div class="actions">
        <SubmitButton busy={form.busy} label={t('common.save')} pending={t('common.saving')} />
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </Form>
  );
}

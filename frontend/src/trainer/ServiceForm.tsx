// The form that adds a service to the directory or edits one, in French and in Arabic.
import { useEffect, useState } from 'preact/hooks';
import { createService, getService, updateService } from '../api/trainer';
import { SERVICE_KINDS, TERRITORIES, type DirectoryService, type NewService, type ServiceUpdate } from '../api/types';
import { describeError } from '../errors';
import { Alert, FieldFrame, Form, SelectField, Status, SubmitButton, TextField, useForm, type FieldErrors } from '../components/forms';
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
  name_ar: string;
  address_ar: string;
  hours_ar: string;
  services_ar: string;
  notes_ar: string;
  verified_at: string;
}

const SERVICE_FIELDS: Array<keyof ServiceValue> = [
  'territory',
  'kind',
  'name',
  'address',
  'phone',
  'hours',
  'services',
  'notes',
  'name_ar',
  'address_ar',
  'hours_ar',
  'services_ar',
  'notes_ar',
  'verified_at',
];

type Texts = NonNullable<DirectoryService['text_languages']>;

/** The texts of `s` that are in `lang` (the server serves the other language's where one is missing). */
function textsIn(s: DirectoryService | null, lang: 'fr' | 'ar') {
  const own = (field: keyof Texts) => (s?.text_languages?.[field] ?? 'fr') === lang;
  return {
    name: s && own('name') ? s.name : '',
    address: s && own('address') ? s.address : '',
    hours: s && own('hours') ? s.hours : '',
    services: s && own('services') ? s.services.join('\n') : '',
    notes: s && own('notes') ? s.notes : '',
  };
}

/** The form's values from the service read in French (`fr`) and in Arabic (`ar`). */
function toValue(fr: DirectoryService | null, ar: DirectoryService | null, territory: string): ServiceValue {
  const a = textsIn(ar, 'ar');
  return {
    territory: fr?.territory ?? territory,
    kind: fr?.kind ?? '',
    ...textsIn(fr, 'fr'),
    phone: fr?.phone ?? '',
    name_ar: a.name,
    address_ar: a.address,
    hours_ar: a.hours,
    services_ar: a.services,
    notes_ar: a.notes,
    verified_at: fr?.verified_at ?? '',
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** The form's values trimmed, the services one a line. */
function trimmed(v: ServiceValue) {
  return {
    name: v.name.trim(),
    address: v.address.trim(),
    phone: v.phone.trim(),
    hours: v.hours.trim(),
    notes: v.notes.trim(),
    name_ar: v.name_ar.trim(),
    address_ar: v.address_ar.trim(),
    hours_ar: v.hours_ar.trim(),
    notes_ar: v.notes_ar.trim(),
    services: lines(v.services),
    services_ar: lines(v.services_ar),
  };
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
    name_ar: x.name_ar || null,
    address_ar: x.address_ar || null,
    hours_ar: x.hours_ar || null,
    services_ar: x.services_ar,
    notes_ar: x.notes_ar || null,
    ...(v.verified_at && v.verified_at !== service.verified_at ? { verified_at: v.verified_at } : {}),
  };
}

/** A new service: empty optional fields are left out. */
function toNew(v: ServiceValue): NewService {
  const { name, services, services_ar, ...optional } = trimmed(v);
  const given = Object.entries({ ...optional, verified_at: v.verified_at }).filter(([, value]) => value);
  return {
    territory: v.territory,
    kind: v.kind,
    name,
    ...Object.fromEntries(given),
    ...(services.length ? { services } : {}),
    ...(services_ar.length ? { services_ar } : {}),
  };
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
  const [v, setV] = useState<ServiceValue>(() => toValue(null, null, territory));
  // An edit starts from the entry read in French and in Arabic, whatever the interface's language.
  const [ready, setReady] = useState(service === null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const id = service?.id;
  useEffect(() => {
    if (!id) return;
    let live = true;
    Promise.all([getService(id, 'fr'), getService(id, 'ar')]).then(
      ([fr, ar]) => {
        if (!live) return;
        setV(toValue(fr, ar, fr.territory));
        setReady(true);
      },
      (err: unknown) => live && setLoadError(err),
    );
    return () => {
      live = false;
    };
  }, [id]);
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
            setV(toValue(null, null, v.territory));
          }
          setDone(t('directory.saved'));
          onSaved(saved);
        } catch (err) {
          throw renameFields(err, (pr) => (SERVICE_FIELDS.includes(pr.field as keyof ServiceValue) ? { ...pr, field: n(pr.field as keyof ServiceValue) } : pr));
        }
      },
    );
  };

  if (loadError != null) return <Alert message={describeError(loadError, t)} />;
  if (!ready) return <p class="muted">{t('app.loading')}</p>;

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
      <fieldset class="stack service-form__arabic">
        <legend>{t('directory.arabicTexts')}</legend>
        <p class="muted">{t('directory.arabicHint')}</p>
        <TextField name={n('name_ar')} label={t('directory.name')} value={v.name_ar} onValue={set('name_ar')} error={e[n('name_ar')]} optional dir="rtl" />
        <TextField
          name={n('address_ar')}
          label={t('directory.address')}
          value={v.address_ar}
          onValue={set('address_ar')}
          error={e[n('address_ar')]}
          optional
          dir="rtl"
        />
        <TextField name={n('hours_ar')} label={t('directory.hours')} value={v.hours_ar} onValue={set('hours_ar')} error={e[n('hours_ar')]} optional dir="rtl" />
        <TextArea
          name={n('services_ar')}
          label={t('directory.services')}
          hint={t('directory.servicesHint')}
          value={v.services_ar}
          onValue={set('services_ar')}
          error={e[n('services_ar')]}
          optional
          lang="ar"
          rows={3}
        />
        <TextArea name={n('notes_ar')} label={t('directory.notes')} value={v.notes_ar} onValue={set('notes_ar')} error={e[n('notes_ar')]} optional lang="ar" rows={3} />
      </fieldset>
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

import { useEffect, useState } from 'preact/hooks';
import { changePassword, createToken, deleteToken, listTerritories, listTokens, updateMe } from '../api/endpoints';
import { isKnownRole, ORGANIZATION_KINDS, type CreatedToken, type OrganizationKind, type ReferenceItem, type TokenInfo } from '../api/types';
import {
  Alert,
  DisplayNameField,
  fieldErrors,
  Form,
  newPasswordProblem,
  PasswordField,
  SelectField,
  Status,
  SubmitButton,
  TextField,
  useFields,
  useForm,
  type FieldErrors,
} from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { formatDate, isLocale, isolate, LOCALES } from '../i18n';
import { VerificationBanner } from './Home';
import { Sentence } from '../components/bidi';

export function Profile() {
  const { t, me, setMe, locale, setLocale } = useApp();
  const form = useForm();
  const { values: v, set } = useFields({
    displayName: me?.display_name ?? '',
    prefLocale: locale as string,
    organization: me?.organization ?? '',
    orgKind: (me?.organization_kind ?? '') as string,
    territory: me?.territory ?? '',
    profession: me?.profession ?? '',
  });
  const [territories, setTerritories] = useState<ReferenceItem[] | null>(null);
  const [territoriesFailed, setTerritoriesFailed] = useState(false);
  const [saved, setSaved] = useState(false);

  // The header's language switch changes the same preference.
  useEffect(() => set('prefLocale')(locale), [locale]);

  // Names come in the UI language (Accept-Language), so reload on a switch.
  useEffect(() => {
    listTerritories()
      .then((items) => {
        setTerritories(items);
        setTerritoriesFailed(false);
      })
      .catch(() => setTerritoriesFailed(true));
  }, [locale]);

  if (!me) return null;

  const territoryOptions = [{ value: '', label: t('common.notSpecified') }];
  for (const item of territories ?? []) territoryOptions.push({ value: item.code, label: item.name });
  if (v.territory && !territoryOptions.some((o) => o.value === v.territory)) {
    territoryOptions.push({ value: v.territory, label: v.territory });
  }

  const e = form.errors;
  const localeOptions = LOCALES.map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }));
  const kindOptions = [{ value: '', label: t('common.notSpecified') }, ...ORGANIZATION_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))];

  const validate = (): FieldErrors => (v.displayName.trim() ? {} : { display_name: t('common.required') });

  const onSubmit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void form.run(validate, async () => {
      const updated = await updateMe({
        display_name: v.displayName.trim(),
        locale: isLocale(v.prefLocale) ? v.prefLocale : locale,
        organization: v.organization.trim() || null,
        organization_kind: (v.orgKind || null) as OrganizationKind | null,
        territory: v.territory || null,
        profession: v.profession.trim() || null,
      });
      setMe({ ...updated, csrf_token: updated.csrf_token || me.csrf_token });
      if (isLocale(updated.locale) && updated.locale !== locale) setLocale(updated.locale);
      setSaved(true);
    });
  };

  return (
    <Page title={t('profile.title')}>
      <VerificationBanner />
      <section aria-labelledby="account-h" class="panel">
        <h2 id="account-h">{t('profile.account')}</h2>
        <dl class="facts">
          <dt>{t('profile.email')}</dt>
          <dd>
            <span dir="ltr" class="break">
              {me.email}
            </span>{' '}
            <span class={me.email_verified ? 'badge badge--ok' : 'badge badge--warn'}>
              {me.email_verified ? t('profile.verified') : t('profile.notVerified')}
            </span>
          </dd>
          <dt>{t('profile.roles')}</dt>
          <dd>{me.roles.map((r: string) => (isKnownRole(r) ? t(`role.${r}`) : r)).join(locale === 'ar' ? '، ' : ', ')}</dd>
        </dl>
      </section>

      <section aria-labelledby="details-h" class="panel">
        <h2 id="details-h">{t('profile.details')}</h2>
        <Form form={form} onSubmit={onSubmit}>
          <DisplayNameField label={t('profile.displayName')} value={v.displayName} onValue={set('displayName')} error={e.display_name} />
          <SelectField name="locale" label={t('profile.locale')} value={v.prefLocale} onValue={set('prefLocale')} options={localeOptions} error={e.locale} />
          <TextField name="organization" label={t('profile.organization')} hint={t('profile.organizationHint')} autoComplete="organization" dir="auto" optional value={v.organization} onValue={set('organization')} error={e.organization} />
          <SelectField name="organization_kind" label={t('profile.organizationKind')} optional value={v.orgKind} onValue={set('orgKind')} options={kindOptions} error={e.organization_kind} />
          <SelectField name="territory" label={t('profile.territory')} optional hint={territoriesFailed ? t('profile.territoriesUnavailable') : undefined} value={v.territory} onValue={set('territory')} options={territoryOptions} error={e.territory} />
          <TextField name="profession" label={t('profile.profession')} hint={t('profile.professionHint')} autoComplete="organization-title" optional value={v.profession} onValue={set('profession')} error={e.profession} />
          <Status message={saved ? t('common.saved') : null} />
          <SubmitButton busy={form.busy} label={t('common.save')} pending={t('common.saving')} />
        </Form>
      </section>

      <ChangePassword />

      {/* Tokens are for scripts: trainers and admins see them at once, others behind "advanced". */}
      {me.roles.some((r: string) => r === 'trainer' || r === 'admin') ? (
        <Tokens />
      ) : (
        <details class="panel disclosure advanced">
          <summary>{t('tokens.advanced')}</summary>
          <Tokens />
        </details>
      )}
    </Page>
  );
}

/** The password changed while signed in: the current one first, the new one twice. */
function ChangePassword() {
  const { t } = useApp();
  const form = useForm();
  const { values: v, set, reset } = useFields({ current: '', fresh: '', confirm: '' });
  const [done, setDone] = useState(false);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    void form.run(
      () =>
        fieldErrors({
          current_password: v.current ? undefined : t('common.required'),
          new_password: newPasswordProblem(v.fresh, t),
          confirm_password: v.fresh && v.confirm !== v.fresh ? t('reset.mismatch') : undefined,
        }),
      async () => {
        await changePassword(v.current, v.fresh);
        reset({ current: '', fresh: '', confirm: '' });
        setDone(true);
      },
    );
  };

  return (
    <section aria-labelledby="password-h" class="panel">
      <h2 id="password-h">{t('password.title')}</h2>
      <p class="muted">{t('password.intro')}</p>
      <Form form={form} onSubmit={onSubmit}>
        <PasswordField name="current_password" label={t('password.current')} value={v.current} onValue={set('current')} error={form.errors.current_password} />
        <PasswordField name="new_password" label={t('reset.newPassword')} hint={t('register.passwordHint')} fresh value={v.fresh} onValue={set('fresh')} error={form.errors.new_password} />
        <PasswordField name="confirm_password" label={t('reset.confirm')} fresh value={v.confirm} onValue={set('confirm')} error={form.errors.confirm_password} />
        <Status message={done ? t('password.done') : null} />
        <SubmitButton busy={form.busy} label={t('reset.submit')} />
      </Form>
    </section>
  );
}

function Tokens() {
  const { t, locale } = useApp();
  const form = useForm();
  const [items, setItems] = useState<TokenInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [status, setStatus] = useState<string | null>(null);

  const reload = () =>
    listTokens()
      .then((list) => {
        setItems(list);
        setListError(null);
      })
      .catch((e: unknown) => setListError(describeError(e, t)));

  useEffect(() => {
    void reload();
  }, []);

  const onCreate = (e: Event) => {
    e.preventDefault();
    setStatus(null);
    void form.run(
      (): FieldErrors => (name.trim() ? {} : { name: t('common.required') }),
      async () => {
        const token = await createToken(name.trim());
        setCreated(token);
        setCopyState('idle');
        setName('');
        await reload();
      },
    );
  };

  const onCopy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  const onDelete = async (token: TokenInfo) => {
    if (!window.confirm(t('tokens.deleteConfirm', { name: isolate(token.name) }))) return;
    setStatus(null);
    try {
      await deleteToken(token.id);
      if (created?.id === token.id) setCreated(null);
      setStatus(t('tokens.deleted'));
      await reload();
    } catch (e) {
      setListError(describeError(e, t));
    }
  };

  return (
    <section aria-labelledby="tokens-h" class="panel">
      <h2 id="tokens-h">{t('tokens.title')}</h2>
      <p class="muted">{t('tokens.intro')}</p>
      {created && (
        <div class="token-once" role="status">
          <p>{t('tokens.createdNotice')}</p>
          <label for="created-token">{t('tokens.value')}</label>
          <input id="created-token" class="mono" dir="ltr" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="button" onClick={onCopy}>
            {t('tokens.copy')}
          </button>
          {copyState === 'copied' && <p>{t('tokens.copied')}</p>}
          {copyState === 'failed' && <p class="field-error">{t('tokens.copyFailed')}</p>}
        </div>
      )}
      <Form form={form} onSubmit={onCreate}>
        <TextField name="name" label={t('tokens.name')} value={name} onValue={setName} error={form.errors.name} autoComplete="off" />
        <button type="submit" class="button" disabled={form.busy}>
          {form.busy ? t('common.sending') : t('tokens.create')}
        </button>
      </Form>
      <Status message={status} />
      <Alert message={listError} />
      {items && items.length === 0 && <p class="muted">{t('tokens.empty')}</p>}
      {items && items.length > 0 && (
        <ul class="token-list">
          {items.map((tok) => (
            <li key={tok.id} class="token-item">
              <div>
                <strong class="break" dir="auto">
                  {tok.name}
                </strong>
                <br />
                <small>
                  {t('tokens.createdAt', { date: formatDate(tok.created_at, locale) })} ·{' '}
                  {tok.last_used_at ? t('tokens.lastUsed', { date: formatDate(tok.last_used_at, locale) }) : t('tokens.neverUsed')}
                </small>
              </div>
              <button type="button" class="button button--danger" onClick={() => void onDelete(tok)}>
                <Sentence text={t('tokens.delete')} parts={{ name: tok.name }} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

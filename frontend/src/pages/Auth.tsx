import { useEffect, useRef, useState } from 'preact/hooks';
import { setCsrfToken } from '../api/client';
import { login, logout, register } from '../api/endpoints';
import type { SessionResponse } from '../api/types';
import { Alert, EMAIL_RE, MIN_PASSWORD, Status, TextField, useForm, type FieldErrors } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { isLocale } from '../i18n';
import { Link, navigate, safeNext, useLocation } from '../router';

function useSignedIn() {
  const { setMe, setLocale } = useApp();
  return (res: SessionResponse, next: string) => {
    setMe({ ...res.user, csrf_token: res.csrf_token || res.user.csrf_token });
    if (isLocale(res.user.locale)) setLocale(res.user.locale);
    navigate(safeNext(next), { replace: true });
  };
}

export function Login() {
  const { t, me } = useApp();
  const { query } = useLocation();
  const next = query.get('next');
  const form = useForm();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (me) navigate(safeNext(next), { replace: true });
  }, [me, next]);

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!email.trim()) errors.email = t('common.required');
    else if (!EMAIL_RE.test(email.trim())) errors.email = t('common.invalidEmail');
    if (!password) errors.password = t('common.required');
    return errors;
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      validate,
      async () => signedIn(await login({ email: email.trim(), password }), next ?? '/'),
      { 401: 'error.badCredentials' },
    );
  };

  return (
    <Page title={t('login.title')}>
      {next && !me && <p class="notice">{t('login.needed')}</p>}
      <form ref={form.formRef} onSubmit={onSubmit} noValidate class="stack">
        <Alert message={form.formError} />
        <TextField
          name="email"
          type="email"
          label={t('login.email')}
          autoComplete="email"
          inputMode="email"
          dir="ltr"
          value={email}
          onValue={setEmail}
          error={form.errors.email}
        />
        <TextField
          name="password"
          type="password"
          label={t('login.password')}
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          error={form.errors.password}
        />
        <button type="submit" class="button button--primary" disabled={form.busy}>
          {form.busy ? t('common.sending') : t('login.submit')}
        </button>
      </form>
      <p>
        <Link href="/forgot-password">{t('login.forgot')}</Link>
      </p>
      <p>
        {t('login.noAccount')} <Link href="/register">{t('nav.register')}</Link>
      </p>
    </Page>
  );
}

export function Register() {
  const { t, me, locale } = useApp();
  const form = useForm();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (me && !form.busy) navigate('/', { replace: true });
  }, [me, form.busy]);

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!email.trim()) errors.email = t('common.required');
    else if (!EMAIL_RE.test(email.trim())) errors.email = t('common.invalidEmail');
    if (!displayName.trim()) errors.display_name = t('common.required');
    if (!password) errors.password = t('common.required');
    else if (password.length < MIN_PASSWORD) errors.password = t('common.passwordTooShort');
    return errors;
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      validate,
      async () =>
        signedIn(await register({ email: email.trim(), password, display_name: displayName.trim(), locale }), '/'),
      { 409: 'error.emailTaken' },
    );
  };

  return (
    <Page title={t('register.title')}>
      <form ref={form.formRef} onSubmit={onSubmit} noValidate class="stack">
        <Alert message={form.formError} />
        <TextField
          name="email"
          type="email"
          label={t('login.email')}
          autoComplete="email"
          inputMode="email"
          dir="ltr"
          value={email}
          onValue={setEmail}
          error={form.errors.email}
        />
        <TextField
          name="display_name"
          label={t('register.displayName')}
          hint={t('register.displayNameHint')}
          autoComplete="name"
          value={displayName}
          onValue={setDisplayName}
          error={form.errors.display_name}
        />
        <TextField
          name="password"
          type="password"
          label={t('login.password')}
          hint={t('register.passwordHint')}
          autoComplete="new-password"
          minLength={MIN_PASSWORD}
          value={password}
          onValue={setPassword}
          error={form.errors.password}
        />
        <button type="submit" class="button button--primary" disabled={form.busy}>
          {form.busy ? t('common.sending') : t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <Link href="/login">{t('nav.login')}</Link>
      </p>
    </Page>
  );
}

export function Logout() {
  const { t, setMe } = useApp();
  const [done, setDone] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    logout()
      .catch(() => undefined)
      .finally(() => {
        setMe(null);
        setCsrfToken(null);
        setDone(true);
      });
  }, [setMe]);

  return (
    <Page title={t('logout.title')}>
      <Status message={done ? t('logout.done') : t('logout.pending')} />
      {done && (
        <p>
          <Link href="/login" class="button">
            {t('logout.again')}
          </Link>
        </p>
      )}
    </Page>
  );
}

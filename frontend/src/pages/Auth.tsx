import { useEffect, useRef, useState } from 'preact/hooks';
import { clearOfflineData } from '../offline/saved';
import { forgetGraded } from '../offline/outbox';
import { setCsrfToken } from '../api/client';
import { login, logout, register } from '../api/endpoints';
import type { SessionResponse } from '../api/types';
import {
  DisplayNameField,
  EmailField,
  emailProblem,
  fieldErrors,
  Form,
  MIN_PASSWORD,
  newPasswordProblem,
  PasswordField,
  Status,
  SubmitButton,
  useForm,
} from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { GUEST, isLocale, pendingLocale, setPendingLocale } from '../i18n';
import { Link, navigate, safeNext, useLocation } from '../router';

function useSignedIn() {
  const { setMe, setLocale } = useApp();
  return (res: SessionResponse, next: string) => {
    setMe({ ...res.user, csrf_token: res.csrf_token || res.user.csrf_token });
    // The language picked before signing in is the reader's latest choice: keep
    // it and save it to the account; otherwise the account's language applies.
    const chosen = pendingLocale(GUEST);
    setPendingLocale(GUEST, null);
    if (chosen) setLocale(chosen);
    else if (isLocale(res.user.locale)) setLocale(res.user.locale);
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

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      () => fieldErrors({ email: emailProblem(email, t), password: password ? undefined : t('common.required') }),
      async () => signedIn(await login({ email: email.trim(), password }), next ?? '/'),
      { 401: 'error.badCredentials' },
    );
  };

  return (
    <Page title={t('login.title')}>
      {next && !me && <p class="notice">{t('login.needed')}</p>}
      <Form form={form} onSubmit={onSubmit}>
        <EmailField value={email} onValue={setEmail} error={form.errors.email} />
        <PasswordField label={t('login.password')} value={password} onValue={setPassword} error={form.errors.password} />
        <SubmitButton busy={form.busy} label={t('login.submit')} />
      </Form>
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

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      () =>
        fieldErrors({
          email: emailProblem(email, t),
          display_name: displayName.trim() ? undefined : t('common.required'),
          password: newPasswordProblem(password, t),
        }),
      async () =>
        signedIn(await register({ email: email.trim(), password, display_name: displayName.trim(), locale }), '/'),
      { 409: 'error.emailTaken' },
    );
  };

  return (
    <Page title={t('register.title')}>
      <Form form={form} onSubmit={onSubmit}>
        <EmailField value={email} onValue={setEmail} error={form.errors.email} />
        <DisplayNameField label={t('register.displayName')} value={displayName} onValue={setDisplayName} error={form.errors.display_name} />
        <PasswordField
          label={t('login.password')}
          hint={t('register.passwordHint')}
          fresh
          minLength={MIN_PASSWORD}
          value={password}
          onValue={setPassword}
          error={form.errors.password}
        />
        <SubmitButton busy={form.busy} label={t('register.submit')} />
      </Form>
      <p>
        {t('register.haveAccount')} <Link href="/login">{t('nav.login')}</Link>
      </p>
    </Page>
  );
}

export function Logout() {
  const { t, me, setMe } = useApp();
  const [done, setDone] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    logout()
      .catch(() => undefined)
      // A shared phone keeps nothing of the last reader: courses saved and pages read go too.
      .then(() => clearOfflineData().catch(() => undefined))
      // Grades of quizzes answered offline, not yet seen, go too; what is still to send stays, for
      // this learner's next session only.
      .then(() => (me ? forgetGraded(me.id).catch(() => undefined) : undefined))
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

import { useState } from 'preact/hooks';
import { confirmPasswordReset, requestPasswordReset } from '../api/endpoints';
import { Alert, EMAIL_RE, MIN_PASSWORD, Status, TextField, useForm, type FieldErrors } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { Link, useLocation } from '../router';

export function ForgotPassword() {
  const { t } = useApp();
  const form = useForm();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      (): FieldErrors => {
        if (!email.trim()) return { email: t('common.required') };
        if (!EMAIL_RE.test(email.trim())) return { email: t('common.invalidEmail') };
        return {};
      },
      async () => {
        await requestPasswordReset(email.trim());
        setSent(true);
      },
    );
  };

  return (
    <Page title={t('forgot.title')}>
      <Status message={sent ? t('forgot.sent') : null} />
      {!sent && (
        <>
          <p>{t('forgot.intro')}</p>
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
            <button type="submit" class="button button--primary" disabled={form.busy}>
              {form.busy ? t('common.sending') : t('forgot.submit')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link href="/login">{t('nav.login')}</Link>
      </p>
    </Page>
  );
}

export function ResetPassword() {
  const { t } = useApp();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const form = useForm();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);

  if (!token) {
    return (
      <Page title={t('reset.title')}>
        <div class="alert alert--error" role="alert">
          {t('reset.missingToken')}
        </div>
        <p>
          <Link href="/forgot-password">{t('reset.requestNew')}</Link>
        </p>
      </Page>
    );
  }

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!password) errors.new_password = t('common.required');
    else if (password.length < MIN_PASSWORD) errors.new_password = t('common.passwordTooShort');
    if (password && confirm !== password) errors.confirm_password = t('reset.mismatch');
    return errors;
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void form.run(
      validate,
      async () => {
        await confirmPasswordReset(token, password);
        setDone(true);
      },
      { 400: 'error.tokenInvalid', 404: 'error.tokenInvalid', 410: 'error.tokenInvalid' },
    );
  };

  return (
    <Page title={t('reset.title')}>
      <Status message={done ? t('reset.done') : null} />
      {done ? (
        <p>
          <Link href="/login" class="button button--primary">
            {t('nav.login')}
          </Link>
        </p>
      ) : (
        <>
          <form ref={form.formRef} onSubmit={onSubmit} noValidate class="stack">
            <Alert message={form.formError} />
            <TextField
              name="new_password"
              type="password"
              label={t('reset.newPassword')}
              hint={t('register.passwordHint')}
              autoComplete="new-password"
              value={password}
              onValue={setPassword}
              error={form.errors.new_password}
            />
            <TextField
              name="confirm_password"
              type="password"
              label={t('reset.confirm')}
              autoComplete="new-password"
              value={confirm}
              onValue={setConfirm}
              error={form.errors.confirm_password}
            />
            <button type="submit" class="button button--primary" disabled={form.busy}>
              {form.busy ? t('common.sending') : t('reset.submit')}
            </button>
          </form>
          <p>
            <Link href="/forgot-password">{t('reset.requestNew')}</Link>
          </p>
        </>
      )}
    </Page>
  );
}

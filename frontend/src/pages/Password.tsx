import { useState } from 'preact/hooks';
import { confirmPasswordReset, requestPasswordReset } from '../api/endpoints';
import { Alert, EmailField, emailProblem, fieldErrors, Form, newPasswordProblem, PasswordField, Status, SubmitButton, useForm } from '../components/forms';
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
      () => fieldErrors({ email: emailProblem(email, t) }),
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
          <Form form={form} onSubmit={onSubmit}>
            <EmailField value={email} onValue={setEmail} error={form.errors.email} />
            <SubmitButton busy={form.busy} label={t('forgot.submit')} />
          </Form>
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
        <Alert message={t('reset.missingToken')} />
        <p>
          <Link href="/forgot-password">{t('reset.requestNew')}</Link>
        </p>
      </Page>
    );
  }

  const validate = () =>
    fieldErrors({
      new_password: newPasswordProblem(password, t),
      confirm_password: password && confirm !== password ? t('reset.mismatch') : undefined,
    });

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
          <Form form={form} onSubmit={onSubmit}>
            <PasswordField
              name="new_password"
              label={t('reset.newPassword')}
              hint={t('register.passwordHint')}
              fresh
              value={password}
              onValue={setPassword}
              error={form.errors.new_password}
            />
            <PasswordField name="confirm_password" label={t('reset.confirm')} fresh value={confirm} onValue={setConfirm} error={form.errors.confirm_password} />
            <SubmitButton busy={form.busy} label={t('reset.submit')} />
          </Form>
          <p>
            <Link href="/forgot-password">{t('reset.requestNew')}</Link>
          </p>
        </>
      )}
    </Page>
  );
}

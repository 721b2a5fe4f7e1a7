import { useEffect, useRef, useState } from 'preact/hooks';
import { getMe, verifyEmail } from '../api/endpoints';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Link, useLocation } from '../router';

export function VerifyEmail() {
  const { t, me, setMe } = useApp();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [state, setState] = useState<'pending' | 'done' | 'error'>(token ? 'pending' : 'error');
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    verifyEmail(token)
      .then(async () => {
        setState('done');
        if (me) {
          const fresh = await getMe().catch(() => null);
          setMe(fresh ?? { ...me, email_verified: true });
        }
      })
      .catch((e: unknown) => {
        setError(e);
        setState('error');
      });
  }, [token, me, setMe]);

  let body;
  if (state === 'pending') body = <p role="status">{t('verify.pending')}</p>;
  else if (state === 'done')
    body = (
      <div class="alert alert--ok" role="status">
        {t('verify.done')}
      </div>
    );
  else
    body = (
      <div class="alert alert--error" role="alert">
        {token ? describeError(error, t, { 400: 'error.tokenInvalid', 404: 'error.tokenInvalid', 410: 'error.tokenInvalid' }) : t('verify.missingToken')}
      </div>
    );

  return (
    <Page title={t('verify.title')}>
      {body}
      <p>
        <Link href={me ? '/' : '/login'}>{me ? t('common.backHome') : t('nav.login')}</Link>
      </p>
    </Page>
  );
}

import { useState } from 'preact/hooks';
import { resendVerification } from '../api/endpoints';
import type { Me } from '../api/types';
import { Alert, Status } from '../components/forms';
import { Page } from '../components/Layout';
import { isAuthor, useApp } from '../context';
import { describeError } from '../errors';
import { Link } from '../router';
import { Sentence } from '../components/bidi';

export function VerificationBanner() {
  const { t, me } = useApp();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!me || me.email_verified) return null;

  const resend = async () => {
    setBusy(true);
    setError(null);
    try {
      await resendVerification();
      setSent(true);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="banner" aria-labelledby="verify-banner">
      <p id="verify-banner">{t('verify.banner')}</p>
      <Status message={sent ? t('verify.resent') : null} />
      <Alert message={error} />
      {!sent && (
        <button type="button" class="button" onClick={resend} disabled={busy}>
          {busy ? t('common.sending') : t('verify.resend')}
        </button>
      )}
    </section>
  );
}

export function Home() {
  const { t, me } = useApp();
  if (!me) {
    return (
      <Page title={t('home.guestTitle')}>
        <p class="lead">{t('home.guestIntro')}</p>
        <div class="actions">
          <Link href="/courses" class="button button--primary">
            {t('home.coursesLink')}
          </Link>
          <Link href="/register" class="button">
            {t('nav.register')}
          </Link>
          <Link href="/login" class="button">
            {t('nav.login')}
          </Link>
        </div>
      </Page>
    );
  }
  return (
    <Page title={t('home.userTitle', { name: me.display_name })} heading={<Sentence text={t('home.userTitle')} parts={{ name: me.display_name }} />}>
      <VerificationBanner />
      <p class="lead">{t('home.userIntro')}</p>
      <p>
        <Link href="/courses" class="button button--primary">
          {t('home.coursesLink')}
        </Link>
      </p>
      <ul class="cards">
        <li class="card">
          <h2>
            <Link href="/courses">{t('home.coursesCard')}</Link>
          </h2>
          <p>{t('home.coursesCardText')}</p>
        </li>
        {isAuthor(me) && (
          <li class="card">
            <h2>
              <Link href="/authoring">{t('home.authoringCard')}</Link>
            </h2>
            <p>{t('home.authoringCardText')}</p>
          </li>
        )}
        {/* Asks for the professional details until they are all given. */}
        <li class="card">
          <h2>
            <Link href="/profile">{profileComplete(me) ? t('home.profileDoneCard') : t('home.profileCard')}</Link>
          </h2>
          <p>{profileComplete(me) ? t('home.profileDoneCardText') : t('home.profileCardText')}</p>
        </li>
        {me.roles.includes('admin') && (
          <li class="card">
            <h2>
              <Link href="/admin/users">{t('home.adminCard')}</Link>
            </h2>
            <p>{t('home.adminCardText')}</p>
          </li>
        )}
      </ul>
    </Page>
  );
}

/** Whether every professional detail of the profile is given. */
function profileComplete(me: Me): boolean {
  return !!(me.organization && me.organization_kind && me.territory && me.profession);
}

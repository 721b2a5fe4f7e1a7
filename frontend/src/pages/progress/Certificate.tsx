// The public verification page of an attestation (/certificates/:code), and a form to type a code.
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { certificatePageHref, certificatePdfUrl, normalizeCode, verifyCertificate, type CertificateCheck } from '../../api/progress';
import { Alert, FieldFrame } from '../../components/forms';
import { Page } from '../../components/Layout';
import { useApp } from '../../context';
import { describeError } from '../../errors';
import { formatDate } from '../../i18n';
import { navigate } from '../../router';
import { Loading, useLoad } from '../learn';

export function CertificatePage({ code }: { code: string }) {
  const { t, locale } = useApp();
  const check = useLoad(() => (code ? verifyCertificate(normalizeCode(code)) : Promise.resolve(null)), [code, locale]);
  const unknown = check.error instanceof ApiError && check.error.status === 404;
  return (
    <Page title={t('certificate.title')}>
      {code &&
        (unknown ? (
          <div class="alert alert--error" role="alert">
            {t('certificate.unknown')}
          </div>
        ) : check.error ? (
          <Alert message={describeError(check.error, t)} />
        ) : check.data ? (
          <Verdict c={check.data} />
        ) : (
          <Loading />
        ))}
      <CodeForm initial={code} />
    </Page>
  );
}

function Verdict({ c }: { c: CertificateCheck }) {
  const { t, locale } = useApp();
  const hours = new Intl.NumberFormat(locale === 'ar' ? 'ar-MA' : locale, { maximumFractionDigits: 1 }).format(c.hours);
  return (
    <section class={c.valid ? 'card verdict verdict--valid' : 'card verdict verdict--revoked'} aria-labelledby="verdict">
      <h2 id="verdict">
        <span aria-hidden="true">{c.valid ? '✓' : '✗'}</span> {c.valid ? t('certificate.valid') : t('certificate.revoked')}
      </h2>
      <dl class="facts">
        <dt>{t('certificate.holder')}</dt>
        <dd dir="auto">{c.holder_name}</dd>
        <dt>{t('certificate.course')}</dt>
        <dd dir="auto">{c.course_title}</dd>
        <dt>{t('certificate.hours')}</dt>
        <dd>{t('certificate.hoursValue', { n: hours })}</dd>
        <dt>{t('certificate.date')}</dt>
        <dd>{formatDate(c.issued_at, locale)}</dd>
        <dt>{t('certificate.code')}</dt>
        <dd>
          <code dir="ltr">{c.code}</code>
        </dd>
      </dl>
      <p class="actions">
        <a href={certificatePdfUrl(c.code)} class="button" download>
          {t('certificate.download')}
        </a>
      </p>
    </section>
  );
}

/** Type a code (spaces and lower case are fine). */
function CodeForm({ initial }: { initial: string }) {
  const { t } = useApp();
  const [typed, setTyped] = useState(initial);
  const [missing, setMissing] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const code = normalizeCode(typed);
    setMissing(!code);
    if (code) navigate(certificatePageHref(code));
  };
  return (
    <form class="stack code-form" role="search" aria-label={t('certificate.checkAnother')} onSubmit={submit} noValidate>
      <h2>{initial ? t('certificate.checkAnother') : t('certificate.checkTitle')}</h2>
      <FieldFrame name="code" label={t('certificate.codeLabel')} hint={t('certificate.codeHint')} error={missing ? t('common.required') : undefined}>
        {(a11y) => (
          <input
            {...a11y}
            name="code"
            dir="ltr"
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            value={typed}
            onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
          />
        )}
      </FieldFrame>
      <button type="submit" class="button button--primary">
        {t('certificate.check')}
      </button>
    </form>
  );
}

import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { useApp } from '../context';
import { LOCALES } from '../i18n';
import { Link } from '../router';

export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  const { t } = useApp();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {children}
    </>
  );
}

function LanguageSwitch() {
  const { t, locale, setLocale } = useApp();
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          dir={l === 'ar' ? 'rtl' : 'ltr'}
          aria-pressed={l === locale}
          onClick={() => setLocale(l)}
        >
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}

export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const { t, me } = useApp();
  const link = (href: string, label: string) => (
    <li>
      <Link href={href} aria-current={path === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <>
      <a class="skip-link" href="#main">
        {t('skip.main')}
      </a>
      <header class="site-header">
        <div class="site-header__bar">
          <Link href="/" class="brand">
            <span class="brand__name">{t('app.name')}</span>
            <span class="brand__tagline">{t('app.tagline')}</span>
          </Link>
          <LanguageSwitch />
        </div>
        <nav aria-label={t('nav.label')}>
          <ul class="nav-list">
            {link('/', t('nav.home'))}
            {link('/courses', t('nav.courses'))}
            {link('/library', t('nav.library'))}
            {link('/annuaire', t('nav.directory'))}
            {me ? (
              <>
                {(me.roles.includes('trainer') || me.roles.includes('admin')) && link('/authoring', t('nav.authoring'))}
                {link('/profile', t('nav.profile'))}
                {me.roles.includes('admin') && link('/admin/users', t('nav.admin'))}
                {link('/logout', t('nav.logout'))}
              </>
            ) : (
              <>
                {link('/login', t('nav.login'))}
                {link('/register', t('nav.register'))}
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

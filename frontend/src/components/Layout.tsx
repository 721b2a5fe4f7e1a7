import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { NOTIFICATIONS_CHANGED, unreadNotifications } from '../api/endpoints';
import { onUnread } from '../api/live';
import { isAuthor, isModerator, useApp } from '../context';
import { LOCALES } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import type { TextAttrs } from './bidi';

export function Page({
  title,
  titleAttrs,
  heading,
  children,
}: {
  title: string;
  /** For a title that is content (a category, a cohort): its language and direction. */
  titleAttrs?: TextAttrs;
  /** What the heading shows when it is more than `title` (a sentence with an isolated name). */
  heading?: ComponentChildren;
  children: ComponentChildren;
}) {
  const { t } = useApp();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <>
      <h1 tabIndex={-1} {...titleAttrs}>
        {heading ?? title}
      </h1>
      {children}
    </>
  );
}

/** The crumb above a page: a link back to where it belongs (the arrow turns with the text direction). */
export function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <p class="crumb">
      <Link href={href}>
        <span aria-hidden="true" class="flip">
          ←
        </span>{' '}
        {children}
      </Link>
    </p>
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

/** The one search box: lessons and resources together (`/search?q=`). */
function SearchBox() {
  const { t } = useApp();
  const loc = useLocation();
  const current = loc.path === '/search' ? (loc.query.get('q') ?? '') : '';
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  return (
    <form
      role="search"
      class="site-search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = text.trim();
        if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
      }}
    >
      <label for="site-search" class="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id="site-search"
        type="search"
        name="q"
        value={text}
        maxLength={500}
        placeholder={t('search.placeholder')}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit">{t('search.submit')}</button>
    </form>
  );
}

/** The caller's unread notifications, counted again on each page and when a screen reads some, and told live by the forum's stream. */
function useUnreadCount(loggedIn: boolean, path: string): number {
  const [count, setCount] = useState(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const again = () => setTick((n) => n + 1);
    window.addEventListener(NOTIFICATIONS_CHANGED, again);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, again);
  }, []);
  useEffect(() => {
    if (!loggedIn) {
      setCount(0);
      return;
    }
    let live = true;
    unreadNotifications()
      .then((n) => live && setCount(n))
      .catch(() => {
        /* the count is a convenience: the page works without it */
      });
    return () => {
      live = false;
    };
  }, [loggedIn, path, tick]);
  useEffect(() => (loggedIn ? onUnread(setCount) : undefined), [loggedIn]);
  return count;
}

export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const { t, me } = useApp();
  // On a phone the search and the links fold behind "Menu" (the header stays two rows high and the
  // first screen shows the page); wide screens show them all and hide the button.
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [path]);
  const unread = useUnreadCount(!!me, path);
  const unreadLabel = unread > 0 ? t('nav.unreadN', { n: unread }) : '';
  const badge =
    unread > 0 ? (
      <span class="count-badge">
        <span aria-hidden="true">{unread}</span>
        <span class="visually-hidden">{unreadLabel}</span>
      </span>
    ) : null;
  const link = (href: string, label: string, extra?: ComponentChildren) => (
    <li>
      <Link href={href} aria-current={path === href ? 'page' : undefined}>
        {label}
        {extra}
      </Link>
    </li>
  );
  return (
    <>
      <a class="skip-link" href="#main">
        {t('skip.main')}
      </a>
      <header
        class="site-header"
        onKeyDown={(e) => {
          // Escape closes the open menu and puts the focus back on its button (never lost inside a hidden panel).
          if (e.key === 'Escape' && open) {
            e.preventDefault();
            setOpen(false);
            menuButton.current?.focus();
          }
        }}
      >
        <div class="site-header__bar">
          <Link href="/" class="brand">
            <span class="brand__name">{t('app.name')}</span>
            <span class="brand__tagline">{t('app.tagline')}</span>
          </Link>
          <button
            ref={menuButton}
            type="button"
            class="menu-button"
            aria-expanded={open}
            aria-controls="site-menu"
            onClick={() => setOpen(!open)}
          >
            <svg class="icon" viewBox="0 0 24 24" width="1.25em" height="1.25em" aria-hidden="true" focusable="false">
              <path d={open ? 'M6 6l12 12M18 6 6 18' : 'M4 7h16M4 12h16M4 17h16'} stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
            <span>{t('nav.more')}</span>
            {badge}
          </button>
          <div
            id="site-menu"
            class={open ? 'site-menu site-menu--open' : 'site-menu'}
            // A link followed closes the menu, even one to the page already shown.
            onClick={(e) => (e.target as Element).closest('a') && setOpen(false)}
          >
            <SearchBox />
            <nav aria-label={t('nav.label')} class="site-nav">
              <ul class="nav-list">
                {link('/courses', t('nav.courses'))}
                {link('/library', t('nav.library'))}
                {me ? link('/learning', t('nav.learning')) : link('/login', t('nav.login'))}
                {link('/', t('nav.home'))}
                {link('/annuaire', t('nav.directory'))}
                {me ? (
                  <>
                    {link('/forum', t('nav.forum'))}
                    {link('/notifications', t('nav.notifications'), badge)}
                    {isModerator(me) && link('/moderation', t('nav.moderation'))}
                    {link('/field-sessions', t('nav.fieldSessions'))}
                    {isAuthor(me) && link('/authoring', t('nav.authoring'))}
                    {isAuthor(me) && link('/cohorts', t('nav.cohorts'))}
                    {isAuthor(me) && link('/reports/field-sessions', t('nav.fieldReport'))}
                    {link('/profile', t('nav.profile'))}
                    {me.roles.includes('admin') && link('/admin/users', t('nav.admin'))}
                    {link('/logout', t('nav.logout'))}
                  </>
                ) : (
                  <>
                    {link('/certificates', t('nav.verify'))}
                    {link('/register', t('nav.register'))}
                  </>
                )}
              </ul>
            </nav>
          </div>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

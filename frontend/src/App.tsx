import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { setApiLanguage, setCsrfToken } from './api/client';
import { getMe, updateMe } from './api/endpoints';
import type { Me } from './api/types';
import { Layout } from './components/Layout';
import { AppContext, useApp, type AppState } from './context';
import { Alert } from './components/forms';
import { Page } from './components/Layout';
import { applyLocale, initialLocale, isLocale, translator, type Locale } from './i18n';
import { AdminUsers } from './pages/AdminUsers';
import { ForgotPassword, ResetPassword } from './pages/Password';
import { Home } from './pages/Home';
import { Login, Logout, Register } from './pages/Auth';
import { NotFound } from './pages/NotFound';
import { Profile } from './pages/Profile';
import { VerifyEmail } from './pages/VerifyEmail';
import { Catalogue } from './pages/Catalogue';
import { Course } from './pages/Course';
import { Lesson } from './pages/Lesson';
import { Quiz } from './pages/Quiz';
import { CaseStudy } from './pages/CaseStudy';
import { Authoring, type AuthoringRoute } from './authoring/lazy';
import { navigate, useLocation } from './router';
import { LibrarySearch, ResourcePage } from './pages/Library';
import { Directory } from './pages/Directory';
import { SearchPage } from './pages/Search';
import { TrainerScreen, type TrainerRoute } from './trainer/lazy';

export function App() {
  const [me, setMeState] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const loc = useLocation();
  const meRef = useRef<Me | null>(null);

  const changeLocale = useCallback((next: Locale) => {
    applyLocale(next);
    setApiLanguage(next);
    setLocaleState(next);
  }, []);

  const setMe = useCallback(
    (next: Me | null) => {
      meRef.current = next;
      setCsrfToken(next ? next.csrf_token || null : null);
      setMeState(next);
    },
    [],
  );

  const setLocale = useCallback(
    (next: Locale) => {
      changeLocale(next);
      const current = meRef.current;
      if (current && current.locale !== next) {
        // Best effort: the choice is already applied and kept in localStorage.
        updateMe({ locale: next })
          .then((updated) => {
            if (meRef.current?.id === updated.id) setMe({ ...updated, csrf_token: updated.csrf_token || current.csrf_token });
          })
          .catch(() => undefined);
      }
    },
    [changeLocale, setMe],
  );

  useEffect(() => {
    applyLocale(locale);
    setApiLanguage(locale);
    getMe()
      .then((user) => {
        if (user) {
          setMe(user);
          if (isLocale(user.locale)) changeLocale(user.locale);
        }
      })
      .catch(() => undefined)
      .finally(() => setReady(true));
  }, []);

  // Move focus to the new page's heading after client-side navigation.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [loc.href]);

  const t = useMemo(() => translator(locale), [locale]);
  const state: AppState = useMemo(() => ({ me, setMe, locale, setLocale, t }), [me, setMe, locale, setLocale, t]);

  return (
    <AppContext.Provider value={state}>
      <Layout path={loc.path}>{ready ? route(loc.path, me) : <p class="loading">{t('app.loading')}</p>}</Layout>
    </AppContext.Provider>
  );
}

function RequireLogin() {
  useEffect(() => {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }, []);
  return null;
}

function isAuthor(me: Me | null): boolean {
  return !!me && (me.roles.includes('trainer') || me.roles.includes('admin'));
}

function authoring(me: Me | null, screen: AuthoringRoute) {
  if (!me) return <RequireLogin />;
  if (!isAuthor(me)) return <Forbidden />;
  return <Authoring route={screen} />;
}

function trainer(me: Me | null, screen: TrainerRoute) {
  if (!me) return <RequireLogin />;
  if (!isAuthor(me)) return <Forbidden />;
  return <TrainerScreen route={screen} />;
}

function Forbidden() {
  const { t } = useApp();
  return (
    <Page title={t('error.forbiddenTitle')}>
      <Alert message={t('error.forbidden')} />
    </Page>
  );
}

function route(path: string, me: Me | null) {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const parts = clean.split('/').slice(1).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [a, b, c, d, e, f] = parts;
  if (parts.length === 2 && b) {
    if (a === 'courses') return <Course key={b} slug={b} />;
    if (a === 'lessons') return <Lesson key={b} id={b} />;
    if (a === 'quizzes') return <Quiz key={b} id={b} />;
    if (a === 'case-studies') return <CaseStudy key={b} id={b} />;
  }
  if (a === 'library' && b) {
    if (parts.length === 2) {
      if (b === 'new') return trainer(me, { screen: 'upload' });
      if (b === 'evaluation') return trainer(me, { screen: 'overview' });
      return <ResourcePage key={b} id={b} />;
    }
    if (parts.length === 3 && c === 'evaluation') return trainer(me, { screen: 'evaluation', id: b });
  }
  if (a === 'authoring') {
    if (parts.length === 1) return authoring(me, { screen: 'list' });
    if (b === 'courses' && c) {
      if (parts.length === 3) return authoring(me, { screen: 'course', slug: c });
      if (parts.length === 5 && d === 'items' && e) return authoring(me, { screen: 'item', slug: c, itemId: e });
      if (parts.length === 6 && d === 'new' && e && (f === 'lesson' || f === 'quiz' || f === 'case_study'))
        return authoring(me, { screen: 'new', slug: c, moduleId: e, kind: f });
    }
  }
  switch (clean) {
    case '/courses':
      return <Catalogue />;
    case '/library':
      return <LibrarySearch />;
    case '/search':
      return <SearchPage />;
    case '/annuaire':
      return <Directory key={me?.id ?? 'guest'} />;
    case '/':
      return <Home />;
    case '/login':
      return <Login />;
    case '/register':
      return <Register />;
    case '/logout':
      return <Logout />;
    case '/verify-email':
      return <VerifyEmail />;
    case '/forgot-password':
      return <ForgotPassword />;
    case '/reset-password':
      return <ResetPassword />;
    case '/profile':
      return me ? <Profile /> : <RequireLogin />;
    case '/admin/users':
      return me ? <AdminUsers /> : <RequireLogin />;
    default:
      return <NotFound />;
  }
}

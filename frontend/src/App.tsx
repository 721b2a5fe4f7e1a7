import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { setApiLanguage, setCsrfToken } from './api/client';
import { getMe, updateMe } from './api/endpoints';
import type { Me } from './api/types';
import { Layout } from './components/Layout';
import { AppContext, type AppState } from './context';
import { applyLocale, GUEST, initialLocale, isLocale, pendingLocale, setPendingLocale, translator, type Locale } from './i18n';
import { useLocation } from './router';
import { screenFor } from './routes';

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

  /** Saves the reader's choice on their account; until that succeeds the device keeps it as pending. */
  const saveLocale = useCallback(
    (current: Me, next: Locale) => {
      setPendingLocale(current.id, next);
      updateMe({ locale: next })
        .then((updated) => {
          if (pendingLocale(current.id) === next) setPendingLocale(current.id, null);
          if (meRef.current?.id === updated.id) setMe({ ...updated, csrf_token: updated.csrf_token || current.csrf_token });
        })
        .catch(() => undefined);
    },
    [setMe],
  );

  const setLocale = useCallback(
    (next: Locale) => {
      changeLocale(next);
      const current = meRef.current;
      if (current && current.locale !== next) saveLocale(current, next);
      // A guest's choice is the latest one when they sign in (see useSignedIn).
      else if (!current) setPendingLocale(GUEST, next);
    },
    [changeLocale, saveLocale],
  );

  useEffect(() => {
    applyLocale(locale);
    setApiLanguage(locale);
    getMe()
      .then((user) => {
        if (user) {
          setMe(user);
          const pending = pendingLocale(user.id);
          if (pending && pending !== user.locale) saveLocale(user, pending);
          else {
            setPendingLocale(user.id, null);
            if (isLocale(user.locale)) changeLocale(user.locale);
          }
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
      <Layout path={loc.path}>{ready ? screenFor(loc.path, { me }) : <p class="loading">{t('app.loading')}</p>}</Layout>
    </AppContext.Provider>
  );
}

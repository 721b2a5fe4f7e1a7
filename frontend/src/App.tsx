import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, setApiLanguage, setCsrfToken, setSessionUser } from './api/client';
import { startFirstRead } from './api/early';
import { getMe, updateMe } from './api/endpoints';
import type { Me } from './api/types';
import { Layout } from './components/Layout';
import { AppContext, type AppState } from './context';
import { applyLocale, GUEST, hasWords, initialLocale, isLocale, loadLocale, pendingLocale, setPendingLocale, translator, type Locale } from './i18n';
import { useLocation } from './router';
import { screenFor } from './routes';
import { SavedUpdates } from './offline/SavedUpdates';
import { OutboxReplay } from './offline/OutboxReplay';

/** Set while this device has a session, so that a guest's first screen never waits for the check. */
const SIGNED_IN = 'sanad.signedIn';

function hadSession(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN) === '1';
  } catch {
    return true;
  }
}

/**
 * Who is signed in on this device, without the CSRF token: when the app opens with no network (a
 * saved course read on the road), the learner stays signed in on the screen and what they do waits
 * in the outbox; nothing is sent until the session has been checked again. Gone at logout.
 */
const SIGNED_IN_AS = 'sanad.signedInAs';

function rememberSession(me: Me | null): void {
  try {
    if (me) {
      localStorage.setItem(SIGNED_IN, '1');
      localStorage.setItem(SIGNED_IN_AS, JSON.stringify({ ...me, csrf_token: null } satisfies Me));
    } else {
      localStorage.removeItem(SIGNED_IN);
      localStorage.removeItem(SIGNED_IN_AS);
    }
  } catch {
    // Private mode: every start waits for the check, as before.
  }
}

function lastSignedIn(): Me | null {
  try {
    const kept = localStorage.getItem(SIGNED_IN_AS);
    return kept ? (JSON.parse(kept) as Me) : null;
  } catch {
    return null;
  }
}

export function App() {
  const [me, setMeState] = useState<Me | null>(null);
  // Whether the session check has answered. A guest's device (no session before) shows its
  // screen at once; one that was signed in waits, so no screen shows a guest's view first.
  const [known, setKnown] = useState(false);
  const [ready, setReady] = useState(() => !hadSession());
  // The reader's language when its words came (main.tsx waits for them), else French.
  const [locale, setLocaleState] = useState<Locale>(() => {
    const wanted = initialLocale();
    return hasWords(wanted) ? wanted : 'fr';
  });
  const loc = useLocation();
  const meRef = useRef<Me | null>(null);
  // Checks the session of a learner signed in from the device's memory (set by the effect below).
  const checkSession = useRef<() => void>(() => undefined);
  // A language picked before the session check answered: the reader's latest choice, which the
  // account's language must not undo when the answer comes.
  const pickedEarly = useRef<Locale | null>(null);

  const changeLocale = useCallback((next: Locale) => {
    // Its words first (fetched the first time); a language that cannot come (offline, never
    // fetched on this device) is not switched to.
    loadLocale(next).then(
      () => {
        applyLocale(next);
        setApiLanguage(next);
        setLocaleState(next);
      },
      () => undefined,
    );
  }, []);

  const setMe = useCallback(
    (next: Me | null) => {
      meRef.current = next;
      setCsrfToken(next ? next.csrf_token || null : null);
      setSessionUser(next?.csrf_token ? next.id : null);
      rememberSession(next);
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
      else if (!current) {
        setPendingLocale(GUEST, next);
        pickedEarly.current = next;
      }
    },
    [changeLocale, saveLocale],
  );

  useEffect(() => {
    applyLocale(locale);
    setApiLanguage(locale);
    // The page's own data starts now too, not after the session check.
    startFirstRead(locale);
    getMe()
      .then((user) => {
        if (user) {
          setMe(user);
          const picked = pickedEarly.current;
          if (picked) setPendingLocale(GUEST, null);
          const pending = picked ?? pendingLocale(user.id);
          if (pending && pending !== user.locale) saveLocale(user, pending);
          else {
            setPendingLocale(user.id, null);
            if (isLocale(user.locale)) changeLocale(user.locale);
          }
        } else rememberSession(null);
      })
      .catch((e: unknown) => {
        // No network, or the server briefly without its database (503): the learner who was
        // signed in here still is, until the check can be made.
        const kept = e instanceof ApiError && (e.status === 0 || e.status === 503) ? lastSignedIn() : null;
        if (kept) setMe(kept);
        // No `online` event will come: checked again when the server says.
        if (kept && e instanceof ApiError && e.status === 503) setTimeout(() => checkSession.current(), (e.retryAfter ?? 5) * 1000);
      })
      .finally(() => {
        setKnown(true);
        setReady(true);
      });
  }, []);

  // Signed in from the device's memory (no token): checked again as soon as the network returns,
  // and each time the app comes back to the screen (the network was there, the server was not).
  useEffect(() => {
    let again: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      clearTimeout(again);
      const current = meRef.current;
      if (!current || current.csrf_token || document.visibilityState === 'hidden') return;
      getMe()
        .then((user) => {
          if (meRef.current === current) setMe(user);
        })
        .catch((e: unknown) => {
          // The server still without its database: asked again when it says.
          if (e instanceof ApiError && e.status === 503) again = setTimeout(check, (e.retryAfter ?? 5) * 1000);
        });
    };
    checkSession.current = check;
    window.addEventListener('online', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      clearTimeout(again);
      window.removeEventListener('online', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [setMe]);

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
      <Layout path={loc.path}>
        <SavedUpdates />
        <OutboxReplay />
        {ready ? screenFor(loc.path, { me, known }) : <p class="loading">{t('app.loading')}</p>}
      </Layout>
    </AppContext.Provider>
  );
}

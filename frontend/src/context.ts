import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api/types';
import type { Locale, Translate } from './i18n';

export interface AppState {
  me: Me | null;
  setMe: (me: Me | null) => void;
  locale: Locale;
  /** Changes the UI language; also saved on the account when logged in. */
  setLocale: (locale: Locale) => void;
  t: Translate;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('AppContext missing');
  return state;
}

/** Trainers and administrators write courses and keep the library and the directory. */
export function isAuthor(me: Me | null): boolean {
  return !!me && (me.roles.includes('trainer') || me.roles.includes('admin'));
}

/** Moderators and administrators review held and flagged forum posts. */
export function isModerator(me: Me | null): boolean {
  return !!me && (me.roles.includes('moderator') || me.roles.includes('admin'));
}

// The authoring screens load on demand: learners never download them.
import { useEffect, useState } from 'preact/hooks';
import type { ItemKind } from '../api/types';
import type * as AuthoringModule from './index';
import { useApp } from '../context';

export type AuthoringRoute =
  | { screen: 'list' }
  | { screen: 'course'; slug: string }
  | { screen: 'item'; slug: string; itemId: string }
  | { screen: 'new'; slug: string; moduleId: string; kind: ItemKind };

type Module = typeof AuthoringModule;
let loaded: Module | null = null;

export function Authoring({ route }: { route: AuthoringRoute }) {
  const { t } = useApp();
  const [mod, setMod] = useState<Module | null>(loaded);
  const [failed, setFailed] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (mod) return;
    setFailed(false);
    import('./index')
      .then((m) => {
        loaded = m;
        setMod(m);
      })
      .catch(() => setFailed(true));
  }, [tick]);
  if (failed) {
    return (
      <div class="alert alert--error" role="alert">
        <p>{t('error.network')}</p>
        <button type="button" class="button" onClick={() => setTick((n) => n + 1)}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  if (!mod) return <p class="loading" role="status">{t('app.loading')}</p>;
  return <mod.AuthoringScreen route={route} />;
}

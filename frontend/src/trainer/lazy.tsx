// The trainers' library and directory screens load on demand: learners never download them.
import { useEffect, useState } from 'preact/hooks';
import type { DirectoryService } from '../api/types';
import { useApp } from '../context';
import type * as TrainerModule from './index';

export type TrainerRoute = { screen: 'upload' } | { screen: 'evaluation'; id: string } | { screen: 'overview' };

type Module = typeof TrainerModule;
let loaded: Module | null = null;

function useModule() {
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
  return { mod, failed, retry: () => setTick((n) => n + 1) };
}

function Failed({ retry }: { retry: () => void }) {
  const { t } = useApp();
  return (
    <div class="alert alert--error" role="alert">
      <p>{t('error.network')}</p>
      <button type="button" class="button" onClick={retry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

export function TrainerScreen({ route }: { route: TrainerRoute }) {
  const { t } = useApp();
  const { mod, failed, retry } = useModule();
  if (failed) return <Failed retry={retry} />;
  if (!mod) return <p class="loading" role="status">{t('app.loading')}</p>;
  return <mod.TrainerScreen route={route} />;
}

export function DirectoryTools(props: { territory: string; onChanged: () => void }) {
  const { mod, failed, retry } = useModule();
  if (failed) return <Failed retry={retry} />;
  return mod ? <mod.DirectoryTools {...props} /> : null;
}

export function ServiceActions(props: { service: DirectoryService; onUpdated: (s: DirectoryService) => void; onDeleted: () => void }) {
  const { mod } = useModule();
  return mod ? <mod.ServiceActions {...props} /> : null;
}

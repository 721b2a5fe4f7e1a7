// One loader for the screens that load on demand (authoring, trainers' tools): learners never download them.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from './context';

/** A chunk as a component sees it: the module once loaded, or the failure and a way to try again. */
export interface Chunk<M> {
  mod: M | null;
  failed: boolean;
  retry: () => void;
}

/** A hook that loads `load()` once for the whole app (the module stays cached after the first success). */
export function lazyChunk<M>(load: () => Promise<M>): () => Chunk<M> {
  let loaded: M | null = null;
  return function useChunk(): Chunk<M> {
    const [mod, setMod] = useState<M | null>(loaded);
    const [failed, setFailed] = useState(false);
    const [tick, setTick] = useState(0);
    useEffect(() => {
      if (mod) return;
      setFailed(false);
      load()
        .then((m) => {
          loaded = m;
          setMod(m);
        })
        .catch(() => setFailed(true));
    }, [tick]);
    return { mod, failed, retry: () => setTick((n) => n + 1) };
  };
}

/** The network failed while loading a chunk: say so and offer to try again. */
export function ChunkFailed({ retry }: { retry: () => void }) {
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

interface LazyProps<M> {
  chunk: Chunk<M>;
  children: (mod: M) => ComponentChildren;
  /** What shows while loading: the loading line (a screen) or nothing (a part of a page). */
  loading?: 'message' | 'nothing';
  /** What shows on failure: the retry alert, or nothing (an optional part of a page). */
  failure?: 'alert' | 'nothing';
}

/** Renders `children(mod)` once the chunk is there. */
export function Lazy<M>({ chunk, children, loading = 'message', failure = 'alert' }: LazyProps<M>) {
  const { t } = useApp();
  if (chunk.mod) return <>{children(chunk.mod)}</>;
  if (chunk.failed) return failure === 'alert' ? <ChunkFailed retry={chunk.retry} /> : null;
  return loading === 'message' ? (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  ) : null;
}

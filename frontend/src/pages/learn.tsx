// Shared pieces of the learner's screens: loading, item links, content language.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { itemHref, type ItemKind, type ItemRef } from '../api/types';
import { Alert } from '../components/forms';
import { BackLink } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Link, useLocation } from '../router';
import { LockedItem, lockedBy } from './progress/parts';
import { Icon } from '../components/Icon';
import { textAttrs } from '../components/bidi';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` whenever `deps` change; keeps the previous data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    load()
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((n) => n + 1) };
}

/** `?preview=1`: an author looking at the draft. */
export function usePreview(): boolean {
  return useLocation().query.get('preview') === '1';
}

export function LoadFailed({
  error,
  onRetry,
  back,
}: {
  error: unknown;
  onRetry: () => void;
  /** Where "back" goes (the catalogue by default). */
  back?: { href: string; label: string };
}) {
  const { t } = useApp();
  // A module whose prerequisite is not finished: say which one, not "loading failed".
  if (error instanceof ApiError && lockedBy(error) !== null) return <LockedItem error={error} />;
  const notFound = error instanceof ApiError && error.status === 404;
  // No answer at all: neither the network nor a copy kept on the device (read before, or saved with its course).
  const unsaved = error instanceof ApiError && error.status === 0;
  return (
    <>
      <h1 tabIndex={-1}>{notFound ? t('notFound.title') : unsaved ? t('offline.unsavedTitle') : t('common.loadFailedTitle')}</h1>
      <Alert message={notFound ? t('learn.notFound') : unsaved ? t('offline.unsaved') : describeError(error, t)} />
      <div class="actions">
        {!notFound && (
          <button type="button" class="button" onClick={onRetry}>
            {t('common.retry')}
          </button>
        )}
        <Link href={back?.href ?? '/courses'} class="button">
          {back?.label ?? t('learn.backToCatalogue')}
        </Link>
      </div>
    </>
  );
}

export function Loading() {
  const { t } = useApp();
  return (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  );
}


export function KindLabel({ kind }: { kind: ItemKind }) {
  const { t } = useApp();
  return (
    <span class={`kind kind--${kind}`}>
      <Icon name={kind} /> {t(`kind.${kind}`)}
    </span>
  );
}

export function Crumb({ slug, title, language, preview }: { slug: string; title: string; language: string; preview: boolean }) {
  const { t } = useApp();
  return (
    <BackLink href={`/courses/${encodeURIComponent(slug)}${preview ? '?preview=1' : ''}`}>
      <span class="visually-hidden">{t('learn.backToCourse')} : </span>
      <span {...textAttrs(language)}>{title}</span>
    </BackLink>
  );
}

/**
 * Said before content served in another language than the reader's (a part not translated yet):
 * "This part is in French", in the reader's language, so no passage changes language unannounced.
 */
export function InOtherLanguage({ language }: { language: string }) {
  const { t, locale } = useApp();
  if (language === locale || !(language === 'fr' || language === 'ar' || language === 'en')) return null;
  return <p class="lang-note">{t(`content.in.${language}`)}</p>;
}

export function PreviewBanner({ show }: { show: boolean }) {
  const { t } = useApp();
  if (!show) return null;
  return <p class="notice">{t('course.previewBanner')}</p>;
}

/** Previous / next buttons between the items of a course. */
export function ItemNav({
  previous,
  next,
  language,
  preview,
  children,
}: {
  previous?: ItemRef | null | undefined;
  next?: ItemRef | null | undefined;
  language: string;
  preview: boolean;
  children?: ComponentChildren;
}) {
  const { t } = useApp();
  if (!previous && !next && !children) return null;
  return (
    <nav class="item-nav" aria-label={t('learn.itemNav')}>
      {previous ? (
        <Link href={itemHref(previous, preview)} class="item-nav__link item-nav__prev">
          <span class="item-nav__dir">
            <span aria-hidden="true" class="flip">
              ←
            </span>{' '}
            {t('learn.previous')} · {t(`kind.${previous.kind}`)}
          </span>
          <span class="item-nav__title" {...textAttrs(language)}>
            {previous.title}
          </span>
        </Link>
      ) : (
        <span />
      )}
      {children}
      {next && (
        <Link href={itemHref(next, preview)} class="item-nav__link item-nav__next">
          <span class="item-nav__dir">
            {t('learn.next')} · {t(`kind.${next.kind}`)}{' '}
            <span aria-hidden="true" class="flip">
              →
            </span>
          </span>
          <span class="item-nav__title" {...textAttrs(language)}>
            {next.title}
          </span>
        </Link>
      )}
    </nav>
  );
}

/** Sets the document title for screens that render their own <h1>. */
export function useTitle(title: string | null | undefined) {
  const { t } = useApp();
  useEffect(() => {
    if (title) document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
}

/** Where to sign in and come back. */
export function signInHref(): string {
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

// Minimal History API router: the server falls back to index.html.
// The app's routes are data (routes.tsx): a pattern per screen, matched here.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const EVENT = 'sanad:navigate';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

export interface Location {
  path: string;
  query: URLSearchParams;
  href: string;
}

function current(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search), href: location.pathname + location.search };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return loc;
}

/** The named segments of a matched pattern (`/courses/:slug` → `{ slug }`), decoded. */
export type Params = Record<string, string>;

/**
 * One route: `pattern` is a path of literal segments and `:name` segments; `:name(a|b)`
 * accepts only the listed values. A `:name` segment never matches an empty one.
 */
export interface Route<C> {
  pattern: string;
  screen: (params: Params, context: C) => ComponentChildren;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchPattern(pattern: string, segments: string[]): Params | null {
  const wanted = pattern.split('/').slice(1);
  if (wanted.length !== segments.length) return null;
  const params: Params = {};
  for (const [i, want] of wanted.entries()) {
    const got = segments[i] as string;
    const named = /^:(\w+)(?:\((.+)\))?$/.exec(want);
    if (!named) {
      if (want !== got) return null;
    } else {
      const [, name, choices] = named;
      if (!got || (choices && !choices.split('|').includes(got))) return null;
      params[name as string] = got;
    }
  }
  return params;
}

/** The first route whose pattern matches `path` (a trailing slash ignored), with its params. */
export function matchRoute<C>(routes: ReadonlyArray<Route<C>>, path: string): { route: Route<C>; params: Params } | null {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const segments = clean.split('/').slice(1).map(decode);
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (params) return { route, params };
  }
  return null;
}

/** A relative path that stays inside the app (no open redirect). */
export function safeNext(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | undefined;
}

export function Link({ href, children, class: className, 'aria-current': current }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (href !== location.pathname + location.search) navigate(href);
  };
  return (
    <a href={href} onClick={onClick} class={className} aria-current={current}>
      {children}
    </a>
  );
}

// Minimal History API router: the server falls back to index.html.
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

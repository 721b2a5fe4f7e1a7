// The forum's live stream (GET /api/v1/forum/events, server-sent events):
// one EventSource per tab, carrying the unread count to the header and, while
// a topic is open at its last page, that topic's new posts. The browser
// reconnects by itself after a dropped connection (naming where it stood: the
// last post number and publication number it got, so that a post a moderator
// approved meanwhile still comes); when the server refuses (signed out, too many streams, the topic
// gone) this module tries again later, waiting longer each time.
import type { PostView } from './forum';

type UnreadListener = (unread: number) => void;

interface OpenTopic {
  id: string;
  /** The last post the page has: the stream tells the ones after it. */
  after: number;
  onPost: (post: PostView) => void;
  /** Refused twice (deleted since): the stream goes on without it, for the count. */
  refused?: boolean;
}

const unreadListeners = new Set<UnreadListener>();
let topic: OpenTopic | null = null;
let source: EventSource | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

function url(): string {
  if (!topic || topic.refused) return '/api/v1/forum/events';
  const q = new URLSearchParams({ topic: topic.id, after: String(topic.after) });
  return `/api/v1/forum/events?${q.toString()}`;
}

function close() {
  source?.close();
  source = null;
  clearTimeout(retryTimer);
  retryTimer = undefined;
}

function connect() {
  close();
  if (typeof EventSource === 'undefined' || (unreadListeners.size === 0 && !topic)) return;
  const es = new EventSource(url(), { withCredentials: true });
  source = es;
  es.onopen = () => {
    failures = 0;
  };
  es.addEventListener('unread', (e) => {
    const unread = Number((JSON.parse((e as MessageEvent<string>).data) as { unread?: number }).unread ?? 0);
    for (const listener of unreadListeners) listener(unread);
  });
  es.addEventListener('post', (e) => {
    const post = JSON.parse((e as MessageEvent<string>).data) as PostView;
    if (!topic) return;
    topic.after = Math.max(topic.after, post.seq);
    topic.onPost(post);
  });
  es.onerror = () => {
    // CONNECTING: the browser retries by itself. CLOSED: refused; try again later.
    if (es.readyState !== EventSource.CLOSED || source !== es) return;
    failures += 1;
    if (topic && failures >= 2) topic.refused = true;
    const wait = Math.min(60_000, 2_000 * 2 ** Math.min(failures - 1, 5));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, wait);
  };
}

/** Tells `listener` the unread count whenever it changes; returns the unsubscribe. */
export function onUnread(listener: UnreadListener): () => void {
  unreadListeners.add(listener);
  if (unreadListeners.size === 1 && !topic) connect();
  return () => {
    unreadListeners.delete(listener);
    if (unreadListeners.size === 0 && !topic) close();
  };
}

/** Streams the posts published in topic `id` after number `after` to `onPost`; returns the stop. */
export function watchTopic(id: string, after: number, onPost: (post: PostView) => void): () => void {
  const mine: OpenTopic = { id, after, onPost };
  topic = mine;
  failures = 0;
  connect();
  return () => {
    if (topic !== mine) return;
    topic = null;
    connect();
  };
}

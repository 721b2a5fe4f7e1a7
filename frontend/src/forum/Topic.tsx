// A topic: its posts page by page, reactions, quote and reply, the answer mark,
// how the reader follows it, and the composer (with the held-post explanation).
// Read to its last page, it takes the posts published since through the live stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  REACTIONS,
  SUBSCRIPTION_LEVELS,
  addReaction,
  deletePost,
  editPost,
  editTopicTitle,
  getTopic,
  listCategories,
  markAnswer,
  removeReaction,
  replyTo,
  setSubscription,
  type PostView,
  type Reason,
  type ReactionKind,
  type Submission,
  type SubscriptionLevel,
  type TopicView,
} from '../api/forum';
import { watchTopic } from '../api/live';
import { Alert, Status } from '../components/forms';
import { BackLink } from '../components/Layout';
import { isModerator, useApp } from '../context';
import { describeError } from '../errors';
import type { Key } from '../i18n';
import { LoadFailed, Loading, useTitle } from '../pages/learn';
import { FlagButton } from './FlagDialog';
import { PostHistory } from './History';
import { AuthorLookup } from './Moderation';
import { AuthorName, Composer, HeldExplanation, htmlToText, MoreButton, quoteMarkdown, Reasons, When } from './shared';
import { autoDirHtml } from '../components/bidi';

interface Loaded {
  topic: TopicView;
  /** The last post the reader had seen before opening the topic (0: never opened). */
  lastRead: number;
  /** The pages read so far, each with the cursor that fetched it (to read the last one again after a reply). */
  pages: Array<{ cursor: string | undefined; posts: PostView[] }>;
  next: string | null;
}

export function TopicScreen({ id }: { id: string }) {
  const { t, locale, me } = useApp();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [anonymousAllowed, setAnonymousAllowed] = useState(false);
  const [categoryTitle, setCategoryTitle] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [replyingTo, setReplyingTo] = useState<PostView | null>(null);
  /** The caller's own post being edited in the composer. */
  const [editing, setEditing] = useState<PostView | null>(null);
  /** A post of the caller's that screening held (a new reply, or an edit: `edit`), corrected in the composer. */
  const [held, setHeld] = useState<{ postId: string; reasons: Reason[]; edit?: boolean } | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [jumpTo, setJumpTo] = useState<string | null>(null);
  const [liveNote, setLiveNote] = useState('');
  useEffect(() => {
    if (!jumpTo) return;
    const target = document.getElementById(`post-${jumpTo}`);
    target?.setAttribute('tabindex', '-1');
    target?.focus();
    setJumpTo(null);
  }, [jumpTo]);

  useEffect(() => {
    let live = true;
    setError(null);
    getTopic(id)
      .then((p) => live && setData({ topic: p.topic, lastRead: p.topic.last_read_seq, pages: [{ cursor: undefined, posts: p.posts }], next: p.next_cursor ?? null }))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [id, tick]);

  const slug = data?.topic.category;
  useEffect(() => {
    if (!slug) return;
    listCategories(locale)
      .then((list) => {
        const c = list.items.find((x) => x.slug === slug);
        setAnonymousAllowed(!!c?.anonymous_allowed);
        setCategoryTitle(c?.title ?? '');
      })
      .catch(() => {
        /* without the category the anonymous choice stays off */
      });
  }, [slug, locale]);

  // At the last page, posts published since come live (several instances: the stream reads the database).
  const atEnd = !!data && !data.next;
  const lastSeq = useRef(0);
  lastSeq.current = data ? Math.max(0, ...data.pages.flatMap((p) => p.posts.map((x) => x.seq))) : 0;
  useEffect(() => {
    if (!atEnd) return;
    return watchTopic(id, lastSeq.current, (post) => {
      setData((d) => {
        if (!d || d.next) return d;
        // The caller's own held post, published since: shown as it is now.
        if (d.pages.some((pg) => pg.posts.some((p) => p.id === post.id))) {
          return { ...d, pages: d.pages.map((pg) => ({ ...pg, posts: pg.posts.map((p) => (p.id === post.id ? post : p)) })) };
        }
        // A new post goes last; one a moderator approved after later ones, in its place.
        const pages = d.pages.slice();
        const at = pages.findIndex((pg) => pg.posts.some((p) => p.seq > post.seq));
        const index = at < 0 ? pages.length - 1 : at;
        const page = pages[index];
        if (!page) return d;
        pages[index] = { ...page, posts: [...page.posts, post].sort((a, b) => a.seq - b.seq) };
        return { ...d, pages, topic: { ...d.topic, reply_count: d.topic.reply_count + (post.seq > 1 ? 1 : 0), last_published_seq: Math.max(d.topic.last_published_seq, post.seq) } };
      });
      setLiveNote(t('forum.live.newPost', { n: post.seq }));
    });
  }, [id, atEnd, t]);

  // Opened at a post (`#post-…`, from a notification): show it once the page is there.
  const loaded = !!data;
  useEffect(() => {
    if (!loaded || !location.hash.startsWith('#post-')) return;
    const target = document.getElementById(location.hash.slice(1));
    if (target) {
      target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }, [loaded]);

  useTitle(data?.topic.title);
  if (error) return <LoadFailed error={error} onRetry={() => setTick((n) => n + 1)} back={{ href: '/forum', label: t('forum.backToForum') }} />;
  if (!data) return <Loading />;
  const { topic } = data;
  const posts = data.pages.flatMap((p) => p.posts);
  // Said by the server: an anonymous topic's author is known to nobody else, not even by id.
  const isTopicAuthor = topic.mine;

  async function more() {
    if (!data?.next || busy) return;
    setBusy(true);
    try {
      const cursor = data.next;
      const p = await getTopic(id, cursor);
      setData((d) => d && { ...d, topic: p.topic, pages: [...d.pages, { cursor, posts: p.posts }], next: p.next_cursor ?? null });
    } catch (e) {
      setActionError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  }

  /** Reads the last page again (a reply lands at the end). */
  async function refreshLast() {
    if (!data) return;
    const last = data.pages[data.pages.length - 1];
    const p = await getTopic(id, last?.cursor);
    setData((d) => d && { ...d, topic: p.topic, pages: [...d.pages.slice(0, -1), { cursor: last?.cursor, posts: p.posts }], next: p.next_cursor ?? null });
  }

  // The first post after the reader's last visit, when there is one.
  const firstUnread = data.lastRead > 0 ? (posts.find((p) => p.seq > data.lastRead) ?? null) : null;
  const hasUnread = data.lastRead > 0 && data.lastRead < topic.last_published_seq;

  /** Reads pages (100 at a time) until the first unread post is there, then moves to it. */
  async function jumpToUnread() {
    if (!data) return;
    setBusy(true);
    setActionError(null);
    try {
      let { pages, next } = data;
      let topicNow = data.topic;
      let target = pages.flatMap((p) => p.posts).find((p) => p.seq > data.lastRead);
      while (!target && next) {
        const cursor: string = next;
        const p = await getTopic(id, cursor, 100);
        pages = [...pages, { cursor, posts: p.posts }];
        next = p.next_cursor ?? null;
        topicNow = p.topic;
        target = p.posts.find((x) => x.seq > data.lastRead);
      }
      setData((d) => d && { ...d, topic: topicNow, pages, next });
      if (target) setJumpTo(target.id);
    } catch (e) {
      setActionError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  }

  function updatePost(postId: string, change: (p: PostView) => PostView) {
    setData((d) => d && { ...d, pages: d.pages.map((pg) => ({ ...pg, posts: pg.posts.map((p) => (p.id === postId ? change(p) : p)) })) });
  }

  async function act(action: () => Promise<void>) {
    setActionError(null);
    setStatus(null);
    try {
      await action();
    } catch (e) {
      setActionError(describeError(e, t));
    }
  }

  const toggleReaction = (post: PostView, kind: ReactionKind) =>
    act(async () => {
      const on = post.my_reactions.includes(kind);
      if (on) await removeReaction(post.id, kind);
      else await addReaction(post.id, kind);
      updatePost(post.id, (p) => ({
        ...p,
        my_reactions: on ? p.my_reactions.filter((k) => k !== kind) : [...p.my_reactions, kind],
        reactions: { ...p.reactions, [kind]: Math.max(0, (p.reactions[kind] ?? 0) + (on ? -1 : 1)) },
      }));
    });

  /** Reads again the page that holds `postId` (an edit changes a post anywhere in the topic). */
  async function refreshPageOf(postId: string) {
    if (!data) return;
    const index = data.pages.findIndex((pg) => pg.posts.some((p) => p.id === postId));
    if (index < 0) return refreshLast();
    const cursor = data.pages[index]?.cursor;
    const p = await getTopic(id, cursor);
    setData((d) => d && { ...d, topic: p.topic, pages: d.pages.map((pg, i) => (i === index ? { cursor, posts: p.posts } : pg)) });
  }

  /** Opens the composer on the caller's own post, with its Markdown; screening applies to the edit as to a new post. */
  function startEdit(post: PostView) {
    setEditing(post);
    setHeld(null);
    setReplyingTo(null);
    setDraft(post.body ?? htmlToText(post.body_html));
    textareaRef.current?.focus();
  }

  function startReply(post: PostView, quote: boolean) {
    setEditing(null);
    setReplyingTo(post);
    if (quote) {
      const selection = window.getSelection();
      const article = document.getElementById(`post-${post.id}`);
      const selected = selection && article && !selection.isCollapsed && article.contains(selection.anchorNode) ? selection.toString() : '';
      const passage = selected || htmlToText(post.body_html);
      setDraft((d) => quoteMarkdown(passage) + d);
    }
    textareaRef.current?.focus();
  }

  return (
    <>
      <BackLink href={`/forum/c/${encodeURIComponent(topic.category)}`}>{categoryTitle || t('forum.backToCategory')}</BackLink>
      <h1 tabIndex={-1} dir="auto">
        {topic.title}
      </h1>
      <p class="meta-line">
        <AuthorName author={topic.author} />
        {topic.mine && <span class="badge">{t('forum.yourTopic')}</span>} · <When iso={topic.created_at} /> ·{' '}
        {t('forum.repliesN', { n: topic.reply_count })}
      </p>
      {(topic.mine || isModerator(me)) && (
        <TitleEditor
          topic={topic}
          onSaved={(s, title) => {
            setData((d) => d && { ...d, topic: { ...d.topic, title, status: s.status === 'held' ? 'held' : d.topic.status } });
            setStatus(s.status === 'held' ? t('forum.titleHeld') : t('forum.titleSaved'));
            void refreshLast().catch(() => undefined);
          }}
        />
      )}
      {topic.status === 'held' && <p class="notice">{t('forum.topicHeld')}</p>}
      {hasUnread && (
        <p>
          <button type="button" class="button" disabled={busy} onClick={() => void jumpToUnread()}>
            {t('forum.jumpUnread')}
          </button>
        </p>
      )}
      <SubscriptionChoice topicId={topic.id} level={topic.subscription} onSaved={(level) => setData((d) => d && { ...d, topic: { ...d.topic, subscription: level } })} />
      <Alert message={actionError} />
      <Status message={status} />
      <ol class="posts">
        {posts.map((post) => (
          <li key={post.id}>
            {firstUnread?.id === post.id && (
              <p class="unread-divider">
                <span>{t('forum.newSince')}</span>
              </p>
            )}
            <article id={`post-${post.id}`} class={post.id === topic.answer_post_id ? 'post post--answer' : 'post'} aria-labelledby={`post-${post.id}-h`}>
              <header class="post__head">
                <h2 id={`post-${post.id}-h`} class="post__author">
                  <span class="visually-hidden">{t('forum.postN', { n: post.seq })} · </span>
                  <AuthorName author={post.author} />
                </h2>
                <span class="muted">
                  <When iso={post.created_at} />
                  {post.edited_at && <> · {t('forum.edited')}</>}
                </span>
                {post.id === topic.answer_post_id && <span class="badge badge--ok">✓ {t('forum.answer')}</span>}
              </header>
              {post.status === 'held' && (
                <div class="notice">
                  <p>{t('forum.postHeld')}</p>
                  <Reasons reasons={post.reasons} />
                </div>
              )}
              {post.reply_to && (
                <p class="muted">
                  <a href={`#post-${post.reply_to}`}>{t('forum.inReplyTo')}</a>
                </p>
              )}
              <div class="prose prose--small post__body" dir="auto" dangerouslySetInnerHTML={{ __html: autoDirHtml(post.body_html) }} />
              <div class="post__actions" role="group" aria-label={t('forum.reactionsOf', { n: post.seq })}>
                {REACTIONS.map((kind) => (
                  <button
                    key={kind}
                    type="button"
                    class="button button--small reaction"
                    aria-pressed={post.my_reactions.includes(kind)}
                    disabled={post.status !== 'published'}
                    onClick={() => void toggleReaction(post, kind)}
                  >
                    {t(`forum.reaction.${kind}` as Key)} <span class="reaction__count">{post.reactions[kind] ?? 0}</span>
                  </button>
                ))}
              </div>
              <div class="post__actions">
                <button type="button" class="button button--small" onClick={() => startReply(post, false)}>
                  {t('forum.reply')}
                </button>
                <button type="button" class="button button--small" onClick={() => startReply(post, true)}>
                  {t('forum.quote')}
                </button>
                {isTopicAuthor && post.seq > 1 && post.status === 'published' && post.id !== topic.answer_post_id && (
                  <button
                    type="button"
                    class="button button--small"
                    onClick={() =>
                      void act(async () => {
                        await markAnswer(topic.id, post.id);
                        setData((d) => d && { ...d, topic: { ...d.topic, answer_post_id: post.id } });
                        setStatus(t('forum.answerMarked'));
                      })
                    }
                  >
                    {t('forum.markAnswer')}
                  </button>
                )}
                {!post.mine && post.status === 'published' && (
                  <FlagButton
                    postId={post.id}
                    seq={post.seq}
                    onFlagged={(f) => {
                      setStatus(f.hidden ? t('flag.sentHidden') : t('flag.sent'));
                      if (f.hidden) void refreshLast().catch(() => undefined);
                    }}
                  />
                )}
                {post.mine && post.status !== 'deleted' && (
                  <button type="button" class="button button--small" onClick={() => startEdit(post)}>
                    {t('forum.edit')}
                  </button>
                )}
                {(post.mine || isModerator(me)) && post.status !== 'deleted' && (
                  <button
                    type="button"
                    class="button button--small button--danger"
                    onClick={() =>
                      void act(async () => {
                        if (!window.confirm(t('forum.deleteConfirm'))) return;
                        await deletePost(post.id);
                        if (post.seq === 1) setTick((n) => n + 1);
                        else await refreshLast();
                        setStatus(t('forum.deleted'));
                      })
                    }
                  >
                    {t('forum.delete')}
                  </button>
                )}
              </div>
              {isModerator(me) && post.author.pseudonym && <AuthorLookup postId={post.id} />}
              {/* The first post's history also keeps the topic's earlier titles. */}
              {isModerator(me) && (post.edited_at || post.seq === 1) && <PostHistory postId={post.id} seq={post.seq} />}
            </article>
          </li>
        ))}
      </ol>
      <p class="visually-hidden" role="status" aria-live="polite">
        {liveNote}
      </p>
      <MoreButton next={data.next} busy={busy} onMore={() => void more()} />
      <section aria-labelledby="reply-h" class="reply-box">
        <h2 id="reply-h">{held ? t('forum.fixHeld') : editing ? t('forum.editTitle', { n: editing.seq }) : t('forum.replyTitle')}</h2>
        {held && <HeldExplanation reasons={held.reasons} onEdit={() => textareaRef.current?.focus()} />}
        <Composer
          name="reply"
          body={draft}
          setBody={setDraft}
          textareaRef={textareaRef}
          anonymousAllowed={anonymousAllowed && !held && !editing}
          submitLabel={held ? t('forum.sendFixed') : editing ? t('forum.sendEdit') : t('forum.sendReply')}
          context={
            editing && !held ? (
              <p class="notice">
                {t('forum.editHint')}{' '}
                <button
                  type="button"
                  class="button button--small"
                  onClick={() => {
                    setEditing(null);
                    setDraft('');
                  }}
                >
                  {t('forum.cancelEdit')}
                </button>
              </p>
            ) : replyingTo && !held ? (
              <p class="notice">
                {t('forum.replyingTo', { n: replyingTo.seq })}{' '}
                <button type="button" class="button button--small" onClick={() => setReplyingTo(null)}>
                  {t('forum.cancelReplyTo')}
                </button>
              </p>
            ) : undefined
          }
          send={(v) =>
            held
              ? editPost(held.postId, v.body, locale)
              : editing
                ? editPost(editing.id, v.body, locale)
                : replyTo(topic.id, { body: v.body, anonymous: v.anonymous, ...(replyingTo ? { reply_to: replyingTo.id } : {}) }, locale)
          }
          onSent={(s) => {
            const edited = held?.postId ?? editing?.id;
            const wasEdit = held ? !!held.edit : !!editing;
            setEditing(null);
            if (s.status === 'held') {
              setHeld({ postId: s.post_id, reasons: s.reasons, edit: wasEdit });
            } else {
              setHeld(null);
              setDraft('');
              setReplyingTo(null);
              setStatus(wasEdit ? t('forum.editSaved') : t('forum.replyPublished'));
            }
            void (edited ? refreshPageOf(edited) : refreshLast()).catch(() => undefined);
          }}
        />
      </section>
    </>
  );
}

/** Its author (or a moderator) changes the topic's title; screening may hold it, with the passage and why. */
function TitleEditor({ topic, onSaved }: { topic: TopicView; onSaved: (s: Submission, title: string) => void }) {
  const { t, locale } = useApp();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState(topic.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Reason[]>([]);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <p>
        <button
          type="button"
          class="button button--small"
          onClick={() => {
            setTitle(topic.title);
            setReasons([]);
            setError(null);
            setOpen(true);
          }}
        >
          {t('forum.editTopicTitle')}
        </button>
      </p>
    );
  }
  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await editTopicTitle(topic.id, title, locale);
      setReasons(s.status === 'held' ? s.reasons : []);
      if (s.status !== 'held') setOpen(false);
      onSaved(s, title.trim());
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="title-edit" onSubmit={(e) => void save(e)}>
      <div class="field">
        <label for="f-topic-title">{t('forum.topicTitleLabel')}</label>
        <input
          id="f-topic-title"
          ref={inputRef}
          dir="auto"
          maxLength={200}
          required
          value={title}
          onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      {reasons.length > 0 && (
        <div class="notice">
          <p>{t('forum.titleHeld')}</p>
          <Reasons reasons={reasons} />
        </div>
      )}
      <Alert message={error} />
      <p class="actions">
        <button type="submit" class="button button--small" disabled={busy}>
          {t('forum.saveTopicTitle')}
        </button>{' '}
        <button type="button" class="button button--small" onClick={() => setOpen(false)}>
          {t('forum.cancelEdit')}
        </button>
      </p>
    </form>
  );
}

function SubscriptionChoice({ topicId, level, onSaved }: { topicId: string; level: SubscriptionLevel; onSaved: (l: SubscriptionLevel) => void }) {
  const { t } = useApp();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="field subscription">
      <label for="f-subscription">{t('forum.subscription')}</label>
      <select
        id="f-subscription"
        value={level}
        onChange={(e) => {
          const next = (e.currentTarget as HTMLSelectElement).value as SubscriptionLevel;
          setMessage(null);
          setError(null);
          setSubscription(topicId, next)
            .then((s) => {
              onSaved(s.level);
              setMessage(t('common.saved'));
            })
            .catch((err: unknown) => setError(describeError(err, t)));
        }}
      >
        {SUBSCRIPTION_LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(`forum.level.${l}` as Key)}
          </option>
        ))}
      </select>
      <Alert message={error} />
      <Status message={message} />
    </div>
  );
}

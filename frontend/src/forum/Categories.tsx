// The community's categories, a category's topics, and a new topic.
import { useEffect, useRef, useState } from 'preact/hooks';
import { isolate } from '../i18n';
import {
  createTopic,
  editPost,
  getCategorySubscription,
  listCategories,
  listTopics,
  searchPosts,
  setCategorySubscription,
  type CategoryView,
  type SubscriptionLevel,
  type Submission,
} from '../api/forum';
import { Alert, Status } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { LoadFailed, Loading, useLoad } from '../pages/learn';
import { Link, navigate } from '../router';
import { AuthorName, Composer, HeldExplanation, MoreButton, usePaged, When } from './shared';
import { Sentence } from '../components/bidi';

const BACK = { href: '/forum', label: '' };

function CategoryMarks({ c }: { c: CategoryView }) {
  const { t } = useApp();
  return (
    <>
      {c.anonymous_allowed && <span class="badge badge--pick">{t('forum.anonymousAllowed')}</span>}{' '}
      {c.sensitive && <span class="badge badge--warn">{t('forum.sensitive')}</span>}
    </>
  );
}

export function Categories() {
  const { t, locale } = useApp();
  const cats = useLoad(() => listCategories(locale), [locale]);
  if (cats.error) return <LoadFailed error={cats.error} onRetry={cats.reload} back={{ href: '/', label: t('common.backHome') }} />;
  return (
    <Page title={t('forum.title')}>
      <p class="lead">{t('forum.intro')}</p>
      <SearchForm q="" category="" categories={cats.data?.items ?? []} />
      {!cats.data ? (
        <Loading />
      ) : (
        <ul class="cards">
          {cats.data.items.map((c) => (
            <li key={c.slug} class="card forum-category">
              <h2>
                <Link href={`/forum/c/${encodeURIComponent(c.slug)}`}>{c.title}</Link>
              </h2>
              <p>{c.description}</p>
              <p class="meta-line">
                <span>{t('forum.topicsN', { n: c.topic_count })}</span> <CategoryMarks c={c} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

/** The category named `slug`, read from the list (the API has no single-category call). */
function useCategory(slug: string) {
  const { locale } = useApp();
  const cats = useLoad(() => listCategories(locale), [locale]);
  return { ...cats, category: cats.data?.items.find((c) => c.slug === slug) ?? null };
}

export function CategoryTopics({ slug }: { slug: string }) {
  const { t } = useApp();
  const cat = useCategory(slug);
  const topics = usePaged((cursor) => listTopics(slug, cursor), [slug]);
  const error = cat.error ?? topics.error;
  if (error) return <LoadFailed error={error} onRetry={() => (cat.reload(), topics.reload())} back={{ ...BACK, label: t('forum.backToForum') }} />;
  if (!cat.data || !topics.items) return <Loading />;
  if (!cat.category) return <LoadFailed error={null} onRetry={cat.reload} back={{ ...BACK, label: t('forum.backToForum') }} />;
  const c = cat.category;
  return (
    <>
      <BackLink href="/forum">{t('forum.backToForum')}</BackLink>
      <Page title={c.title}>
        <p class="lead">{c.description}</p>
        <p class="meta-line">
          <CategoryMarks c={c} />
        </p>
        <p>
          <Link href={`/forum/c/${encodeURIComponent(slug)}/new`} class="button button--primary">
            {t('forum.newTopic')}
          </Link>
        </p>
        <WatchCategory slug={slug} />
        {topics.items.length === 0 ? (
          <p class="muted">{t('forum.noTopics')}</p>
        ) : (
          <ul class="topic-list">
            {topics.items.map((tp) => (
              <li key={tp.id} class={tp.unread ? 'topic-row topic-row--unread' : 'topic-row'}>
                <h2 class="topic-row__title">
                  <Link href={`/forum/t/${encodeURIComponent(tp.id)}`}>
                    {tp.unread && <span class="visually-hidden">{t('forum.unread')} : </span>}
                    <bdi>{tp.title}</bdi>
                  </Link>
                  {tp.unread && (
                    <span class="badge badge--ok" aria-hidden="true">
                      {t('forum.unread')}
                    </span>
                  )}
                </h2>
                <p class="meta-line">
                  <AuthorName author={tp.author} /> · {t('forum.repliesN', { n: tp.reply_count })} · {t('forum.lastActivity')} <When iso={tp.last_activity_at} />
                </p>
              </li>
            ))}
          </ul>
        )}
        <MoreButton next={topics.next} busy={topics.busy} onMore={() => void topics.more()} />
      </Page>
    </>
  );
}

/** Watch (told of every new topic) or stop watching a category. */
function WatchCategory({ slug }: { slug: string }) {
  const { t } = useApp();
  const [level, setLevel] = useState<SubscriptionLevel | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getCategorySubscription(slug)
      .then((s) => live && setLevel(s.level))
      .catch(() => {
        /* without the state the button stays hidden; the category still reads */
      });
    return () => {
      live = false;
    };
  }, [slug]);
  if (!level) return null;
  const watching = level === 'watching';
  async function toggle() {
    setBusy(true);
    setMessage(null);
    setError(null);
    try {
      const s = await setCategorySubscription(slug, watching ? 'normal' : 'watching');
      setLevel(s.level);
      setMessage(s.level === 'watching' ? t('forum.watchingCategory') : t('forum.notWatchingCategory'));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="watch-category">
      <button type="button" class="button" disabled={busy} onClick={() => void toggle()}>
        {watching ? t('forum.unwatchCategory') : t('forum.watchCategory')}
      </button>
      <Alert message={error} />
      <Status message={message} />
    </div>
  );
}

export function NewTopic({ slug }: { slug: string }) {
  const { t, locale } = useApp();
  const cat = useCategory(slug);
  const [body, setBody] = useState('');
  const [held, setHeld] = useState<Submission | null>(null);
  // After a hold, the author may correct the text: it is sent as an edit of the held post and screened again.
  const [fixing, setFixing] = useState(false);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (fixing) textareaRef.current?.focus();
  }, [fixing]);
  if (cat.error) return <LoadFailed error={cat.error} onRetry={cat.reload} back={{ ...BACK, label: t('forum.backToForum') }} />;
  if (!cat.data) return <Loading />;
  const c = cat.category;
  if (!c) return <LoadFailed error={null} onRetry={cat.reload} back={{ ...BACK, label: t('forum.backToForum') }} />;
  return (
    <>
      <BackLink href={`/forum/c/${encodeURIComponent(slug)}`}>{c.title}</BackLink>
      <Page title={t('forum.newTopicIn', { category: isolate(c.title) })}>
        {held && (
          <>
            <HeldExplanation reasons={held.reasons} onEdit={fixing ? undefined : () => setFixing(true)} />
            <p>
              <Link href={`/forum/t/${encodeURIComponent(held.topic_id)}`} class="button">
                {t('forum.held.open')}
              </Link>
            </p>
          </>
        )}
        {(!held || fixing) && (
          <>
            {c.sensitive && !held && <p class="notice">{t('forum.sensitiveHint')}</p>}
            <Composer
              withTitle={!held}
              textareaRef={textareaRef}
              body={body}
              setBody={setBody}
              anonymousAllowed={c.anonymous_allowed && !held}
              submitLabel={held ? t('forum.sendFixed') : t('forum.publishTopic')}
              send={(v) =>
                held ? editPost(held.post_id, v.body, locale) : createTopic({ category: slug, title: v.title, body: v.body, anonymous: v.anonymous }, locale)
              }
              onSent={(s) => {
                if (s.status === 'held') setHeld(s);
                else navigate(`/forum/t/${encodeURIComponent(s.topic_id)}`);
              }}
            />
          </>
        )}
      </Page>
    </>
  );
}

/** The forum's own search box: words, and optionally one category. */
function SearchForm({ q, category, categories }: { q: string; category: string; categories: CategoryView[] }) {
  const { t } = useApp();
  const [text, setText] = useState(q);
  const [cat, setCat] = useState(category);
  return (
    <form
      role="search"
      class="search-row forum-search"
      aria-label={t('forum.searchLabel')}
      onSubmit={(e) => {
        e.preventDefault();
        const words = text.trim();
        if (words) navigate(`/forum/search?q=${encodeURIComponent(words)}${cat ? `&category=${encodeURIComponent(cat)}` : ''}`);
      }}
    >
      <div class="field">
        <label for="forum-q">{t('forum.searchLabel')}</label>
        <input id="forum-q" type="search" name="q" value={text} maxLength={500} dir="auto" onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="forum-cat">{t('forum.searchIn')}</label>
        <select id="forum-cat" name="category" value={cat} onChange={(e) => setCat((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('forum.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button">
        {t('search.submit')}
      </button>
    </form>
  );
}

export function ForumSearch({ q, category }: { q: string; category: string }) {
  const { t, locale } = useApp();
  const cats = useLoad(() => listCategories(locale), [locale]);
  const hits = usePaged((cursor) => (q ? searchPosts(q, category || undefined, cursor) : Promise.resolve({ items: [] })), [q, category]);
  return (
    <>
      <BackLink href="/forum">{t('forum.backToForum')}</BackLink>
      <Page
        title={q ? t('forum.searchTitleFor', { q: isolate(q) }) : t('forum.searchLabel')}
        heading={q ? <Sentence text={t('forum.searchTitleFor')} parts={{ q }} /> : undefined}
      >
        <SearchForm q={q} category={category} categories={cats.data?.items ?? []} />
        {hits.error && !hits.items ? (
          <LoadFailed error={hits.error} onRetry={hits.reload} back={{ ...BACK, label: t('forum.backToForum') }} />
        ) : !hits.items ? (
          <Loading />
        ) : (
          <>
            <p role="status">{hits.items.length === 0 ? t('forum.noHits') : ''}</p>
            <ul class="topic-list">
              {hits.items.map((h) => (
                <li key={h.post_id} class="topic-row">
                  <h2 class="topic-row__title">
                    <Link href={`/forum/t/${encodeURIComponent(h.topic_id)}#post-${h.post_id}`}>
                      <bdi>{h.title}</bdi>
                    </Link>
                  </h2>
                  <p class="snippet" dir="auto" dangerouslySetInnerHTML={{ __html: h.snippet_html }} />
                  <p class="meta-line">
                    <AuthorName author={h.author} />
                  </p>
                </li>
              ))}
            </ul>
            <MoreButton next={hits.next} busy={hits.busy} onMore={() => void hits.more()} />
          </>
        )}
      </Page>
    </>
  );
}

// Pieces the forum screens share: who wrote a post, paging by cursor, the
// composer with its preview, and the explanation of a held post.
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { previewMarkdown, type AuthorView, type Reason, type Submission } from '../api/forum';
import { Form, SubmitButton, TextField, useForm } from '../components/forms';
import { useApp } from '../context';
import { describeError } from '../errors';
import type { Key, Translate } from '../i18n';
import { autoDirHtml } from '../components/bidi';

/** The name shown for an author: the display name, or the topic's pseudonym of an anonymous post. */
export function AuthorName({ author }: { author: AuthorView }) {
  const { t } = useApp();
  if (author.pseudonym) {
    return (
      <span class="author author--pseudonym">
        <bdi>{author.pseudonym}</bdi> <span class="badge">{t('forum.pseudonym')}</span>
      </span>
    );
  }
  return (
    <span class="author">
      <bdi>{author.display_name ?? t('forum.unknownAuthor')}</bdi>
    </span>
  );
}

/** A date and time in the reader's language. */
export function formatWhen(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-MA' : locale === 'fr' ? 'fr-MA' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
}

export function When({ iso }: { iso: string }) {
  const { locale } = useApp();
  return <time dateTime={iso}>{formatWhen(iso, locale)}</time>;
}

const REASON_KINDS = ['phone', 'national_id', 'student_id', 'email', 'address', 'social_profile', 'child_name', 'case_number'];
const FLAG_KINDS = ['identifying', 'harmful', 'spam', 'other'];

/** What screening found (or why members flagged), named in the reader's language; the server's own word for a kind this build does not know. */
export function reasonLabel(t: Translate, kind: string): string {
  if (REASON_KINDS.includes(kind)) return t(`forum.reason.${kind}` as Key);
  if (FLAG_KINDS.includes(kind)) return t(`flag.reason.${kind}` as Key);
  return kind;
}

/** The reasons a post was held: the kind, and the server's message (in the caller's language). */
export function Reasons({ reasons }: { reasons: Reason[] }) {
  const { t } = useApp();
  if (reasons.length === 0) return null;
  return (
    <ul class="reasons">
      {reasons.map((r, i) => (
        <li key={i}>
          <strong>{reasonLabel(t, r.kind)}</strong>
          {r.passage && (
            <>
              {' '}
              {r.field === 'title' ? t('forum.inTitle') : t('forum.inBody')} <mark dir="auto">{r.passage}</mark>
            </>
          )}
          {r.message && (
            <>
              {' '}
              — <span dir="auto">{r.message}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Told right after sending a post that screening held: what was found, how to anonymise, who reviews it. */
export function HeldExplanation({ reasons, onEdit }: { reasons: Reason[]; onEdit?: () => void }) {
  const { t } = useApp();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section class="held alert alert--warn" aria-labelledby="held-title">
      <h2 id="held-title" tabIndex={-1} ref={ref}>
        {t('forum.held.title')}
      </h2>
      <p>{t('forum.held.intro')}</p>
      <Reasons reasons={reasons} />
      <h3>{t('forum.held.howTitle')}</h3>
      <ul>
        <li>{t('forum.held.how1')}</li>
        <li>{t('forum.held.how2')}</li>
        <li>{t('forum.held.how3')}</li>
      </ul>
      <p>{t('forum.held.review')}</p>
      {onEdit && (
        <button type="button" class="button" onClick={onEdit}>
          {t('forum.held.edit')}
        </button>
      )}
    </section>
  );
}

/** A list read page by page with a cursor ("load more"). */
export function usePaged<T>(load: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string | null }>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    setBusy(true);
    load()
      .then((p) => {
        if (!live) return;
        setItems(p.items);
        setNext(p.next_cursor ?? null);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  async function more() {
    if (!next || busy) return;
    setBusy(true);
    try {
      const p = await load(next);
      setItems((old) => [...(old ?? []), ...p.items]);
      setNext(p.next_cursor ?? null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return { items, setItems, next, error, busy, more, reload: () => setTick((n) => n + 1) };
}

/** "Load more" under a list paged by cursor; says how the list grew for screen readers. */
export function MoreButton({ next, busy, onMore }: { next: string | null; busy: boolean; onMore: () => void }) {
  const { t } = useApp();
  if (!next) return null;
  return (
    <p>
      <button type="button" class="button" disabled={busy} onClick={onMore}>
        {busy ? t('app.loading') : t('forum.loadMore')}
      </button>
    </p>
  );
}

/** The Markdown text a quote of `passage` starts a reply with. */
export function quoteMarkdown(passage: string): string {
  const lines = passage
    .trim()
    .split(/\r?\n/)
    .map((l) => (l.trim() ? `> ${l.trim()}` : '>'));
  return `${lines.join('\n')}\n\n`;
}

/** The plain text of sanitized HTML, paragraph by paragraph (to quote or redact a post). */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const blocks = Array.from(doc.body.querySelectorAll('p, li, blockquote, h1, h2, h3, h4, pre'));
  const leaves = blocks.filter((b) => !b.querySelector('p, li, blockquote, pre'));
  if (leaves.length === 0) return (doc.body.textContent ?? '').trim();
  return leaves
    .map((b) => (b.textContent ?? '').trim())
    .filter(Boolean)
    .join('\n\n');
}

interface ComposerProps {
  /** A new topic asks for a title too. */
  withTitle?: boolean;
  body: string;
  setBody: (body: string) => void;
  anonymousAllowed: boolean;
  submitLabel: string;
  /** Sends the text; the answer (published or held) goes to the screen. */
  send: (v: { title: string; body: string; anonymous: boolean }) => Promise<Submission>;
  onSent: (s: Submission, v: { title: string; body: string; anonymous: boolean }) => void;
  textareaRef?: RefObject<HTMLTextAreaElement | null>;
  /** Above the text: what is being answered or quoted, with a way to cancel it. */
  context?: ComponentChildren;
  name?: string;
}

/** A Markdown composer with a preview, the anonymous choice where the category allows it. */
export function Composer({ withTitle, body, setBody, anonymousAllowed, submitLabel, send, onSent, textareaRef, context, name = 'body' }: ComposerProps) {
  const { t } = useApp();
  const form = useForm();
  const [title, setTitle] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [preview, setPreview] = useState<{ state: 'off' | 'loading' | 'ready' | 'failed'; html: string; error?: unknown }>({ state: 'off', html: '' });

  async function showPreview() {
    setPreview({ state: 'loading', html: '' });
    try {
      setPreview({ state: 'ready', html: await previewMarkdown(body) });
    } catch (e) {
      setPreview({ state: 'failed', html: '', error: e });
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    void form.run(
      () => {
        const errors: Record<string, string> = {};
        if (withTitle && !title.trim()) errors.title = t('common.required');
        if (!body.trim()) errors[name] = t('common.required');
        return errors;
      },
      async () => {
        const v = { title: title.trim(), body, anonymous: anonymousAllowed && anonymous };
        const s = await send(v);
        setPreview({ state: 'off', html: '' });
        if (s.status !== 'held') {
          setTitle('');
          setAnonymous(false);
        }
        onSent(s, v);
      },
    );
  }

  const bodyId = `f-${name}`;
  const bodyError = form.errors[name] ?? form.errors.body;
  return (
    <Form form={form} onSubmit={submit} class="stack composer">
      {withTitle && <TextField name="title" label={t('forum.topicTitle')} value={title} onValue={setTitle} dir="auto" error={form.errors.title} />}
      {context}
      <div class={bodyError ? 'field field--invalid' : 'field'}>
        <label for={bodyId}>{t('forum.body')}</label>
        <p class="hint" id={`${bodyId}-hint`}>
          {t('forum.bodyHint')}
        </p>
        <textarea
          id={bodyId}
          ref={textareaRef}
          name={name}
          rows={8}
          dir="auto"
          value={body}
          aria-required="true"
          aria-describedby={bodyError ? `${bodyId}-hint ${bodyId}-error` : `${bodyId}-hint`}
          aria-invalid={bodyError ? 'true' : undefined}
          onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
        />
        {bodyError && (
          <p class="field-error" id={`${bodyId}-error`} role="alert">
            {bodyError}
          </p>
        )}
      </div>
      {anonymousAllowed && (
        <div class="field">
          <label class="check">
            <input type="checkbox" name="anonymous" checked={anonymous} aria-describedby={`${name}-anon-hint`} onChange={(e) => setAnonymous((e.currentTarget as HTMLInputElement).checked)} />{' '}
            {t('forum.anonymous')}
          </label>
          <p class="hint" id={`${name}-anon-hint`}>
            {t('forum.anonymousHint')}
          </p>
        </div>
      )}
      <div class="actions">
        <SubmitButton busy={form.busy} label={submitLabel} />
        <button type="button" class="button" disabled={!body.trim() || preview.state === 'loading'} onClick={() => void showPreview()}>
          {t('forum.preview')}
        </button>
      </div>
      <div role="status" class="hint">
        {preview.state === 'loading' ? t('authoring.previewUpdating') : preview.state === 'failed' ? previewProblem(preview.error, t) : ''}
      </div>
      {preview.state === 'ready' && (
        <section class="md-preview" aria-labelledby={`${name}-preview-h`}>
          <h2 id={`${name}-preview-h`} class="md-preview__title">
            {t('forum.previewTitle')}
          </h2>
          <div class="prose prose--small" dir="auto" dangerouslySetInnerHTML={{ __html: autoDirHtml(preview.html) }} />
        </section>
      )}
    </Form>
  );
}

function previewProblem(error: unknown, t: Translate): string {
  if (error instanceof ApiError && error.status === 403) return t('forum.previewForbidden');
  return describeError(error, t);
}

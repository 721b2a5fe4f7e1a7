// The moderators' queue (held and flagged posts: approve, reject, redact), the
// audited look-up of an anonymous post's real author, and the audit log.
import { useState } from 'preact/hooks';
import { decide, getAuditLog, getQueue, lookUpAuthor, type Decision, type QueueItem, type RealAuthor } from '../api/forum';
import { Alert, Form, Status, SubmitButton, useForm } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import type { Key } from '../i18n';
import { LoadFailed, Loading } from '../pages/learn';
import { Link } from '../router';
import { AuthorName, htmlToText, MoreButton, Reasons, usePaged, When } from './shared';
import { autoDirHtml } from '../components/bidi';

export function ModerationScreen() {
  const { t, me } = useApp();
  const queue = usePaged((cursor) => getQueue(cursor), []);
  const [status, setStatus] = useState<string | null>(null);
  if (queue.error && !queue.items) return <LoadFailed error={queue.error} onRetry={queue.reload} back={{ href: '/forum', label: t('forum.backToForum') }} />;
  return (
    <Page title={t('mod.title')}>
      <p class="lead">{t('mod.intro')}</p>
      {me?.roles.includes('admin') && (
        <p>
          <Link href="/moderation/audit">{t('mod.auditLink')}</Link>
        </p>
      )}
      <Status message={status} />
      {!queue.items ? (
        <Loading />
      ) : queue.items.length === 0 ? (
        <p class="muted">{t('mod.empty')}</p>
      ) : (
        <ul class="cards">
          {queue.items.map((item) => (
            <QueueCard
              key={item.id}
              item={item}
              onDecided={(d) => {
                queue.setItems((items) => items && items.filter((i) => i.id !== item.id));
                setStatus(t(`mod.done.${d}` as Key));
              }}
            />
          ))}
        </ul>
      )}
      <MoreButton next={queue.next} busy={queue.busy} onMore={() => void queue.more()} />
    </Page>
  );
}

function QueueCard({ item, onDecided }: { item: QueueItem; onDecided: (d: Decision) => void }) {
  const { t } = useApp();
  const form = useForm();
  const [mode, setMode] = useState<Decision | null>(null);
  const [body, setBody] = useState('');
  const [note, setNote] = useState('');
  const h = `q-${item.id}`;

  function open(d: Decision) {
    setMode(d);
    // The Markdown as written, so the redaction keeps its formatting.
    if (d === 'redact' && !body) setBody(item.body || htmlToText(item.body_html));
  }

  return (
    <li class="card queue-item" aria-labelledby={`${h}-h`}>
      <h2 id={`${h}-h`}>
        <Link href={`/forum/t/${encodeURIComponent(item.topic_id)}#post-${item.post_id}`}>
          <bdi>{item.topic_title}</bdi>
        </Link>
      </h2>
      <p class="meta-line">
        <span class="badge badge--warn">{item.cause === 'flags' ? t('mod.cause.flags') : t('mod.cause.screening')}</span>
        {item.flags > 0 && <> · {t('mod.flagsN', { n: item.flags })}</>} · <AuthorName author={item.author} /> · <When iso={item.created_at} />
      </p>
      <Reasons reasons={item.reasons} />
      <div class="prose prose--small post__body" dir="auto" dangerouslySetInnerHTML={{ __html: autoDirHtml(item.body_html) }} />
      {item.author.pseudonym && <AuthorLookup postId={item.post_id} />}
      <div class="actions" role="group" aria-label={t('mod.decide')}>
        <button type="button" class="button" aria-pressed={mode === 'approve'} onClick={() => open('approve')}>
          {t('mod.approve')}
        </button>
        <button type="button" class="button" aria-pressed={mode === 'redact'} onClick={() => open('redact')}>
          {t('mod.redact')}
        </button>
        <button type="button" class="button button--danger" aria-pressed={mode === 'reject'} onClick={() => open('reject')}>
          {t('mod.reject')}
        </button>
      </div>
      {mode && (
        <Form
          form={form}
          onSubmit={(e) => {
            e.preventDefault();
            void form.run(
              () => (mode === 'redact' && !body.trim() ? { [`${h}-body`]: t('common.required') } : {}),
              async () => {
                await decide(item.id, { decision: mode, ...(note.trim() ? { note: note.trim() } : {}), ...(mode === 'redact' ? { body } : {}) });
                onDecided(mode);
              },
            );
          }}
        >
          {mode === 'redact' && (
            <div class={form.errors[`${h}-body`] ? 'field field--invalid' : 'field'}>
              <label for={`${h}-body`}>{t('mod.redactedBody')}</label>
              <p class="hint" id={`${h}-body-hint`}>
                {t('mod.redactHint')}
              </p>
              <textarea
                id={`${h}-body`}
                name={`${h}-body`}
                rows={8}
                dir="auto"
                value={body}
                aria-describedby={`${h}-body-hint`}
                aria-invalid={form.errors[`${h}-body`] ? 'true' : undefined}
                onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </div>
          )}
          <div class="field">
            <label for={`${h}-note`}>
              {t('mod.note')} <span class="optional">({t('common.optional')})</span>
            </label>
            <textarea id={`${h}-note`} name="note" rows={2} dir="auto" value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          </div>
          <SubmitButton busy={form.busy} label={t(`mod.confirm.${mode}` as Key)} />
        </Form>
      )}
    </li>
  );
}

/** The real author of an anonymous post: asked for on purpose, after a warning, because every look-up is logged. */
export function AuthorLookup({ postId }: { postId: string }) {
  const { t } = useApp();
  const [asked, setAsked] = useState(false);
  const [author, setAuthor] = useState<RealAuthor | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (author) {
    return (
      <p class="notice">
        {t('mod.realAuthor')} <bdi>{author.display_name}</bdi> <span class="mono">({author.user_id})</span>
      </p>
    );
  }
  if (!asked) {
    return (
      <p>
        <button type="button" class="button button--small" onClick={() => setAsked(true)}>
          {t('mod.lookUp')}
        </button>
      </p>
    );
  }
  return (
    <div class="alert alert--warn" role="group" aria-label={t('mod.lookUp')}>
      <p>{t('mod.lookUpWarning')}</p>
      <Alert message={error} />
      <div class="actions">
        <button
          type="button"
          class="button button--danger"
          onClick={() => {
            setError(null);
            lookUpAuthor(postId)
              .then(setAuthor)
              .catch((e: unknown) => setError(describeError(e, t)));
          }}
        >
          {t('mod.lookUpConfirm')}
        </button>
        <button type="button" class="button" onClick={() => setAsked(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

export function AuditScreen() {
  const { t } = useApp();
  const log = usePaged((cursor) => getAuditLog(cursor), []);
  if (log.error && !log.items) return <LoadFailed error={log.error} onRetry={log.reload} back={{ href: '/moderation', label: t('mod.title') }} />;
  return (
    <Page title={t('audit.title')}>
      <p class="lead">{t('audit.intro')}</p>
      {!log.items ? (
        <Loading />
      ) : log.items.length === 0 ? (
        <p class="muted">{t('audit.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="stack-table">
            <caption class="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.post')}</th>
                <th scope="col">{t('audit.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((e) => (
                <tr key={e.id}>
                  <td data-label={t('audit.when')}>
                    <When iso={e.created_at} />
                  </td>
                  <td data-label={t('audit.action')}>{auditAction(e.action, t)}</td>
                  <td data-label={t('audit.actor')}>
                    <bdi>{e.actor_name || e.actor_id}</bdi>
                  </td>
                  <td data-label={t('audit.post')} class="mono">
                    {e.post_id ?? '—'}
                  </td>
                  <td data-label={t('audit.subject')}>
                    <bdi>{e.subject_name ?? e.subject_id ?? '—'}</bdi>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton next={log.next} busy={log.busy} onMore={() => void log.more()} />
    </Page>
  );
}

const AUDIT_ACTIONS = ['author_lookup', 'approve', 'reject', 'redact', 'redact_revision', 'delete'];
function auditAction(action: string, t: (k: Key) => string): string {
  return AUDIT_ACTIONS.includes(action) ? t(`audit.do.${action}` as Key) : action;
}

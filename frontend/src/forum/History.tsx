// A post's edit history, for moderators only: its earlier texts, who wrote
// each and when (an anonymous author stays a pseudonym), and the redaction of
// an old text (replaced, with a note; written to the audit log). A revision
// kept by a change of the topic's title shows the earlier title; its redaction
// removes that title too.
import { useState } from 'preact/hooks';
import { listRevisions, redactRevision, type RevisionView } from '../api/forum';
import { Alert, Form, Status, SubmitButton, TextAreaField, useForm } from '../components/forms';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Loading } from '../pages/learn';
import { AuthorName, MoreButton, usePaged, When } from './shared';

/** The "History" button under an edited post, and the history it opens. */
export function PostHistory({ postId, seq }: { postId: string; seq: number }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  const regionId = `history-${postId}`;
  return (
    <div class="post-history">
      <button type="button" class="button button--small" aria-expanded={open} aria-controls={regionId} onClick={() => setOpen((o) => !o)}>
        {open ? t('mod.historyHide') : t('mod.history')}
      </button>
      <div id={regionId}>{open && <Revisions postId={postId} seq={seq} />}</div>
    </div>
  );
}

function Revisions({ postId, seq }: { postId: string; seq: number }) {
  const { t } = useApp();
  const list = usePaged((cursor) => listRevisions(postId, cursor), [postId]);
  const [status, setStatus] = useState<string | null>(null);
  const headingId = `history-${postId}-h`;
  if (list.error && !list.items) return <Alert message={describeError(list.error, t)} />;
  if (!list.items) return <Loading />;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('mod.historyTitle', { n: seq })}</h3>
      <Status message={status} />
      {list.items.length === 0 ? (
        <p class="muted">{t('mod.historyEmpty')}</p>
      ) : (
        <ol class="revisions">
          {list.items.map((r, i) => (
            <Revision
              key={r.id}
              revision={r}
              n={i + 1}
              onRedacted={(updated) => {
                list.setItems((items) => items && items.map((x) => (x.id === updated.id ? updated : x)));
                setStatus(t('mod.versionRedacted'));
              }}
            />
          ))}
        </ol>
      )}
      <MoreButton next={list.next} busy={list.busy} onMore={() => void list.more()} />
    </section>
  );
}

function Revision({ revision: r, n, onRedacted }: { revision: RevisionView; n: number; onRedacted: (r: RevisionView) => void }) {
  const { t } = useApp();
  const form = useForm();
  const [redacting, setRedacting] = useState(false);
  const [note, setNote] = useState('');
  const [body, setBody] = useState('');
  const h = `rev-${r.id}`;
  return (
    <li class="revision" aria-labelledby={`${h}-h`}>
      <h4 id={`${h}-h`}>{t('mod.versionN', { n })}</h4>
      <p class="meta-line">
        {t('mod.writtenBy')} <AuthorName author={r.author} /> · <When iso={r.written_at} /> · {t('mod.replacedBy')} <AuthorName author={r.replaced_by} /> ·{' '}
        <When iso={r.replaced_at} />
      </p>
      {r.note && (
        <p class="muted" dir="auto">
          {t('mod.note')} : {r.note}
        </p>
      )}
      {r.title != null && (
        <p class="revision__title" dir="auto">
          {t('mod.earlierTitle')} {r.title || t('mod.removedText')}
        </p>
      )}
      <pre class="revision__body" dir="auto">
        {r.body || t('mod.removedText')}
      </pre>
      {r.redaction && (
        <p class="notice">
          {t('mod.redactedBy')} <AuthorName author={r.redaction.moderator} /> · <When iso={r.redaction.redacted_at} /> — <span dir="auto">{r.redaction.note}</span>
        </p>
      )}
      {!redacting ? (
        <button type="button" class="button button--small button--danger" onClick={() => setRedacting(true)}>
          {t('mod.redactVersion')}
        </button>
      ) : (
        <Form
          form={form}
          onSubmit={(e) => {
            e.preventDefault();
            void form.run(
              (): Record<string, string> => (note.trim() ? {} : { note: t('common.required') }),
              async () => {
                const updated = await redactRevision(r.id, { note: note.trim(), ...(body.trim() ? { body } : {}) });
                setRedacting(false);
                setNote('');
                setBody('');
                onRedacted(updated);
              },
            );
          }}
        >
          <TextAreaField name="note" frame={`${h}-note`} rows={2} label={t('mod.note')} value={note} onValue={setNote} error={form.errors.note} />
          <TextAreaField
            name="body"
            frame={`${h}-body`}
            rows={4}
            label={t('mod.replacementText')}
            hint={t('mod.redactVersionHint')}
            optional
            value={body}
            onValue={setBody}
          />
          <div class="actions">
            <SubmitButton busy={form.busy} label={t('mod.redactVersionConfirm')} />
            <button type="button" class="button" onClick={() => setRedacting(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </Form>
      )}
    </li>
  );
}

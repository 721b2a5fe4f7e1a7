// Flagging a post for the moderators: a modal dialog (the browser's <dialog>:
// focus kept inside, Escape closes, focus back on the button that opened it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { FLAG_REASONS, flagPost, type FlagReason, type FlagView } from '../api/forum';
import { Form, SubmitButton, useForm } from '../components/forms';
import { useApp } from '../context';
import type { Key } from '../i18n';

export function FlagButton({ postId, seq, onFlagged }: { postId: string; seq: number; onFlagged: (f: FlagView) => void }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button type="button" class="button button--small" ref={opener} onClick={() => setOpen(true)}>
        {t('flag.open')}
      </button>
      {open && (
        <FlagDialog
          postId={postId}
          seq={seq}
          onClose={(f) => {
            setOpen(false);
            opener.current?.focus();
            if (f) onFlagged(f);
          }}
        />
      )}
    </>
  );
}

function FlagDialog({ postId, seq, onClose }: { postId: string; seq: number; onClose: (f: FlagView | null) => void }) {
  const { t } = useApp();
  const form = useForm();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState<FlagReason | ''>('');
  const [note, setNote] = useState('');
  const id = `flag-${postId}`;
  // Closed first, so that the page is no longer inert when focus goes back to the opener.
  const finish = (f: FlagView | null) => {
    ref.current?.close();
    onClose(f);
  };
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-h`} onCancel={(e) => (e.preventDefault(), finish(null))}>
      <h2 id={`${id}-h`}>{t('flag.title', { n: seq })}</h2>
      <p class="hint">{t('flag.intro')}</p>
      <Form
        form={form}
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(
            (): Record<string, string> => (reason ? {} : { reason: t('flag.pickReason') }),
            async () => {
              if (!reason) return;
              finish(await flagPost(postId, { reason, ...(note.trim() ? { note: note.trim() } : {}) }));
            },
            { 409: 'flag.already' },
          );
        }}
      >
        <fieldset aria-describedby={form.errors.reason ? `${id}-err` : undefined}>
          <legend>{t('flag.reason')}</legend>
          {FLAG_REASONS.map((r, i) => (
            <label key={r} class="check">
              <input
                type="radio"
                name="reason"
                value={r}
                checked={reason === r}
                aria-invalid={form.errors.reason && i === 0 ? 'true' : undefined}
                onChange={() => setReason(r)}
              />{' '}
              {t(`flag.reason.${r}` as Key)}
            </label>
          ))}
          {form.errors.reason && (
            <p class="field-error" id={`${id}-err`} role="alert">
              {form.errors.reason}
            </p>
          )}
        </fieldset>
        <div class="field">
          <label for={`${id}-note`}>
            {t('flag.note')} <span class="optional">({t('common.optional')})</span>
          </label>
          <textarea id={`${id}-note`} name="note" rows={3} dir="auto" maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <div class="actions">
          <SubmitButton busy={form.busy} label={t('flag.send')} />
          <button type="button" class="button" onClick={() => finish(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </Form>
    </dialog>
  );
}


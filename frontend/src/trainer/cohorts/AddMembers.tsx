// Add members by pasting addresses (one a line, or separated by commas); says what became of each.
import { useState } from 'preact/hooks';
import { addMembers, type MembersAdded } from '../../api/progress';
import { FieldFrame, fieldErrors, Form, SubmitButton, useForm } from '../../components/forms';
import { useApp } from '../../context';
import type { Key } from '../../i18n';

/** The addresses in a pasted text: split on new lines, commas, semicolons and spaces; blanks dropped. */
export function splitEmails(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

const REASONS: Record<string, Key> = {
  invalid_email: 'cohort.reason.invalid_email',
  duplicate: 'cohort.reason.duplicate',
  disabled_account: 'cohort.reason.disabled_account',
};

export function AddMembers({ id, onAdded }: { id: string; onAdded: () => void }) {
  const { t } = useApp();
  const form = useForm();
  const [text, setText] = useState('');
  const [result, setResult] = useState<MembersAdded | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const emails = splitEmails(text);
    void form.run(
      () => fieldErrors({ emails: emails.length === 0 ? t('common.required') : emails.length > 500 ? t('cohort.tooMany') : undefined }),
      async () => {
        setResult(await addMembers(id, { emails }));
        setText('');
        onAdded();
      },
    );
  };
  return (
    <section aria-labelledby="add-members">
      <h2 id="add-members">{t('cohort.addMembers')}</h2>
      <Form form={form} onSubmit={submit}>
        <FieldFrame name="emails" label={t('cohort.emails')} hint={t('cohort.emailsHint')} error={form.errors.emails}>
          {(a11y) => <textarea {...a11y} name="emails" rows={5} dir="ltr" value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />}
        </FieldFrame>
        <SubmitButton busy={form.busy} label={t('cohort.addSubmit')} />
      </Form>
      {result && (
        <div role="status" class="stack">
          <Outcome title={t('cohort.added', { n: result.added.length })} items={result.added.map((e) => [e])} />
          <Outcome title={t('cohort.invited', { n: result.invited.length })} items={result.invited.map((e) => [e])} />
          <Outcome
            title={t('cohort.rejected', { n: result.rejected.length })}
            items={result.rejected.map((r) => [r.email, REASONS[r.reason] ? t(REASONS[r.reason] as Key) : r.reason])}
          />
        </div>
      )}
    </section>
  );
}

/** A heading and its addresses, each with the reason when there is one (addresses stay left to right). */
function Outcome({ title, items }: { title: string; items: Array<[string, string?]> }) {
  return (
    <div>
      <h3>{title}</h3>
      {items.length > 0 && (
        <ul class="plain-list">
          {items.map(([email, reason]) => (
            <li key={email}>
              <bdi dir="ltr">{email}</bdi>
              {reason && ` : ${reason}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

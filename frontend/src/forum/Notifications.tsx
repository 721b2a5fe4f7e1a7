// The caller's notifications (mark read, all read) and how often forum mail comes.
import { useEffect, useState } from 'preact/hooks';
import { NOTIFICATIONS_CHANGED } from '../api/endpoints';
import {
  EMAIL_FREQUENCIES,
  getNotificationSettings,
  listNotifications,
  markNotificationsRead,
  saveNotificationSettings,
  type EmailFrequency,
  type NotificationView,
} from '../api/forum';
import { Alert, Form, Status, SubmitButton, useForm } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import type { Key } from '../i18n';
import { LoadFailed, Loading } from '../pages/learn';
import { navigate } from '../router';
import { AuthorName, MoreButton, usePaged, When } from './shared';

const changed = () => window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));

export function NotificationsScreen() {
  const { t } = useApp();
  const list = usePaged((cursor) => listNotifications(cursor), []);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  async function read(ids: string[] | 'all') {
    setError(null);
    setStatus(null);
    try {
      await markNotificationsRead(ids === 'all' ? { all: true } : { ids });
      list.setItems((items) => items && items.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, read: true } : n)));
      setStatus(ids === 'all' ? t('notif.allMarked') : t('notif.marked'));
      changed();
    } catch (e) {
      setError(describeError(e, t));
    }
  }

  if (list.error && !list.items) return <LoadFailed error={list.error} onRetry={list.reload} back={{ href: '/forum', label: t('forum.backToForum') }} />;
  const unread = list.items?.filter((n) => !n.read).length ?? 0;
  return (
    <Page title={t('notif.title')}>
      <Alert message={error} />
      <Status message={status} />
      {!list.items ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <p class="muted">{t('notif.none')}</p>
      ) : (
        <>
          <p>
            <button type="button" class="button" disabled={unread === 0} onClick={() => void read('all')}>
              {t('notif.markAll')}
            </button>
          </p>
          <ul class="notif-list">
            {list.items.map((n) => (
              <Notification key={n.id} n={n} onRead={() => void read([n.id])} />
            ))}
          </ul>
          <MoreButton next={list.next} busy={list.busy} onMore={() => void list.more()} />
        </>
      )}
      <EmailPreferences />
    </Page>
  );
}

function Notification({ n, onRead }: { n: NotificationView; onRead: () => void }) {
  const { t } = useApp();
  const href = `/forum/t/${encodeURIComponent(n.topic_id)}#post-${n.post_id}`;
  return (
    <li class={n.read ? 'notif' : 'notif notif--unread'}>
      <p>
        {!n.read && <span class="badge badge--ok">{t('forum.unread')}</span>} <AuthorName author={n.actor} />{' '}
        {kindLabel(n.kind, t)} · <When iso={n.created_at} />
      </p>
      <p class="actions">
        <a
          href={href}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
            e.preventDefault();
            if (!n.read) onRead();
            navigate(href);
          }}
        >
          {t('notif.open')}
        </a>
        {!n.read && (
          <button type="button" class="button button--small" onClick={onRead}>
            {t('notif.markRead')}
          </button>
        )}
      </p>
    </li>
  );
}

function EmailPreferences() {
  const { t } = useApp();
  const form = useForm();
  const [value, setValue] = useState<EmailFrequency | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    getNotificationSettings()
      .then((s) => setValue(s.email))
      .catch((e: unknown) => setLoadError(e));
  }, []);
  return (
    <section aria-labelledby="mail-h">
      <h2 id="mail-h">{t('notif.mailTitle')}</h2>
      {loadError ? (
        <Alert message={describeError(loadError, t)} />
      ) : !value ? (
        <Loading />
      ) : (
        <Form
          form={form}
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(null);
            void form.run(
              () => ({}),
              async () => {
                const s = await saveNotificationSettings({ email: value });
                setValue(s.email);
                setSaved(t('common.saved'));
              },
            );
          }}
        >
          <fieldset aria-describedby="mail-digest-hint">
            <legend>{t('notif.mailLegend')}</legend>
            {EMAIL_FREQUENCIES.map((f) => (
              <label key={f} class="check">
                <input type="radio" name="email" value={f} checked={value === f} onChange={() => setValue(f)} /> {t(`notif.freq.${f}` as Key)}
              </label>
            ))}
          </fieldset>
          <p id="mail-digest-hint" class="muted">
            {t('notif.digestHint')}
          </p>
          <SubmitButton busy={form.busy} label={t('common.save')} />
          <Status message={saved} />
        </Form>
      )}
    </section>
  );
}

/** Why the member was told, in their words (a general phrase for a kind this build does not know). */
function kindLabel(kind: string, t: (k: Key) => string): string {
  if (kind === 'reply') return t('notif.kind.reply');
  if (kind === 'watched') return t('notif.kind.watched');
  if (kind === 'mention') return t('notif.kind.mention');
  if (kind === 'quote') return t('notif.kind.quote');
  if (kind === 'new_topic') return t('notif.kind.newTopic');
  return t('notif.kind.other');
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { listUsers, updateUser } from '../api/endpoints';
import { isKnownRole, ROLES, type AdminUser, type AdminUserQuery, type AdminUserUpdate } from '../api/types';
import { Alert, Status, SubmitButton } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError, localizeFieldError } from '../errors';
import { formatDate, isolate } from '../i18n';
import { Sentence } from '../components/bidi';

const PAGE = 20;

type Status = '' | 'active' | 'disabled' | 'unverified';

/** What the list is narrowed to: words, a role, a state. */
interface Narrowing {
  q: string;
  role: string;
  status: Status;
}

export function AdminUsers() {
  const { t, me } = useApp();
  const [query, setQuery] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState<Status>('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const activeQuery = useRef<Narrowing>({ q: '', role: '', status: '' });

  const isAdmin = !!me?.roles.includes('admin');

  const load = async (n: Narrowing, after: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const page = await listUsers({
        q: n.q || undefined,
        role: (n.role || undefined) as AdminUserQuery['role'],
        status: n.status || undefined,
        cursor: after ?? undefined,
        limit: PAGE,
      });
      activeQuery.current = n;
      setUsers((prev) => (after && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setForbidden(true);
      else setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (isAdmin) void load({ q: '', role: '', status: '' }, null);
  }, [isAdmin]);

  if (!isAdmin || forbidden) {
    return (
      <Page title={t('admin.title')}>
        <div class="alert alert--error" role="alert">
          {t('error.forbidden')}
        </div>
      </Page>
    );
  }

  const onSearch = (e: Event) => {
    e.preventDefault();
    void load({ q: query.trim(), role, status }, null);
  };

  return (
    <Page title={t('admin.title')}>
      <form role="search" onSubmit={onSearch} class="search-row">
        <div class="field">
          <label for="user-search">{t('admin.search')}</label>
          <input id="user-search" type="search" name="q" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="user-role">{t('admin.roleFilter')}</label>
          <select id="user-role" name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="">{t('admin.anyRole')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-status">{t('admin.statusFilter')}</label>
          <select id="user-status" name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
            <option value="">{t('admin.anyStatus')}</option>
            <option value="active">{t('admin.status.active')}</option>
            <option value="disabled">{t('admin.status.disabled')}</option>
            <option value="unverified">{t('admin.status.unverified')}</option>
          </select>
        </div>
        <button type="submit" class="button" disabled={busy}>
          {t('admin.searchSubmit')}
        </button>
      </form>
      <Alert message={error} />
      {users === null && busy && <p role="status">{t('app.loading')}</p>}
      {users && (
        <p class="muted" role="status">
          {users.length === 0 ? t('admin.empty') : t('admin.count', { n: users.length })}
        </p>
      )}
      {users && users.length > 0 && (
        <ul class="user-list">
          {users.map((u) => (
            <UserCard key={u.id} user={u} onSaved={(saved) => setUsers((list) => list && list.map((x) => (x.id === saved.id ? saved : x)))} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="button" disabled={busy} onClick={() => void load(activeQuery.current, cursor)}>
          {busy ? t('app.loading') : t('admin.loadMore')}
        </button>
      )}
    </Page>
  );
}

function UserCard({ user, onSaved }: { user: AdminUser; onSaved: (u: AdminUser) => void }) {
  const { t, locale } = useApp();
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabled);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const id = `u-${user.id}`;
  const label = user.display_name || user.email;

  const toggleRole = (role: string, on: boolean) => {
    setSaved(false);
    setRoles((list) =>
      on ? [...ROLES.filter((r) => r === role || list.includes(r)), ...list.filter((r) => !(ROLES as readonly string[]).includes(r))] : list.filter((r) => r !== role),
    );
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await updateUser(user.id, { roles: roles as AdminUserUpdate['roles'], disabled });
      setRoles(updated.roles);
      setDisabled(updated.disabled);
      onSaved(updated);
      setSaved(true);
    } catch (err) {
      const fields = err instanceof ApiError ? err.problems.map((p) => localizeFieldError(p, t)) : [];
      setError([describeError(err, t), ...fields].join(' '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="card user-card">
      <form onSubmit={onSubmit} aria-labelledby={`${id}-name`}>
        <h2 id={`${id}-name`} class="user-card__name break" dir="auto">
          {user.display_name}
        </h2>
        <p class="break">
          <span dir="ltr">{user.email}</span>
        </p>
        <p class="muted">
          {t('admin.createdAt', { date: formatDate(user.created_at, locale) })}{' '}
          {user.email_verified ? <span class="badge badge--ok">{t('admin.verifiedBadge')}</span> : <span class="badge">{t('admin.unverifiedBadge')}</span>}{' '}
          {user.disabled && <span class="badge badge--warn">{t('admin.disabledBadge')}</span>}
        </p>
        <p class="user-card__roles">
          {user.roles.map((r) => (
            <span key={r} class="badge">
              {isKnownRole(r) ? t(`role.${r}`) : r}
            </span>
          ))}
        </p>
        {/* The editing controls stay folded, so the list reads as a list. */}
        <details class="disclosure" open={saved || !!error}>
          <summary>
            <Sentence text={t('admin.edit')} parts={{ name: label }} />
          </summary>
          <fieldset>
            <legend>
              <Sentence text={t('admin.rolesOf')} parts={{ name: label }} />
            </legend>
            {ROLES.map((role) => (
              <div class="check" key={role}>
                <input
                  type="checkbox"
                  id={`${id}-${role}`}
                  checked={roles.includes(role)}
                  onChange={(e) => toggleRole(role, e.currentTarget.checked)}
                />
                <label for={`${id}-${role}`}>{t(`role.${role}`)}</label>
              </div>
            ))}
          </fieldset>
          <div class="check">
            <input
              type="checkbox"
              id={`${id}-disabled`}
              checked={disabled}
              onChange={(e) => {
                setSaved(false);
                setDisabled(e.currentTarget.checked);
              }}
            />
            <label for={`${id}-disabled`}>{t('admin.disabled')}</label>
          </div>
          <Alert message={error} />
          <Status message={saved ? t('admin.savedUser', { name: isolate(label) }) : null} />
          <SubmitButton busy={busy} label={t('admin.saveUser', { name: isolate(label) })} pending={t('common.saving')} />
        </details>
      </form>
    </li>
  );
}

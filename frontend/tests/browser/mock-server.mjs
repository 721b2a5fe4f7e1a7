// An in-memory stand-in for the Sanad API (the /api/v1 contract in
// shared/API.md), serving frontend/dist with the SPA fallback. For working on
// the frontend without the Rust server: `SANAD_BROWSER_MOCK=1 npm run test:browser`
// or `node tests/browser/mock-server.mjs` then open http://127.0.0.1:8391.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const port = Number(process.env.SANAD_BROWSER_PORT || 8391);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const TERRITORIES = [
  { code: 'sale', name: 'Salé' },
  { code: 'kenitra', name: 'Kénitra' },
  { code: 'skhirat-temara', name: 'Skhirat-Témara' },
  { code: 'rabat', name: 'Rabat' },
];

const users = new Map(); // id -> user (with password)
const sessions = new Map(); // sid -> { userId, csrf }
const tokens = new Map(); // id -> { userId, name, created_at }
const failures = new Map(); // email -> count

// The administrator that serve.mjs creates with `sanad user add` for the real server.
const adminId = randomUUID();
users.set(adminId, {
  id: adminId,
  email: 'admin@example.ma',
  password: 'admin-password-2024',
  display_name: 'Admin Sanad',
  roles: ['learner', 'admin'],
  locale: 'fr',
  organization: null,
  organization_kind: null,
  territory: null,
  profession: null,
  email_verified: true,
  disabled: false,
  created_at: new Date().toISOString(),
});

function me(u, csrf) {
  const { password: _p, disabled: _d, created_at: _c, ...rest } = u;
  return { ...rest, csrf_token: csrf };
}
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
function problem(res, status, title, errors, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: 'about:blank', title, status, ...(errors ? { errors } : {}) }));
}
function session(req) {
  const sid = /(?:^|;\s*)sanad_session=([^;]+)/.exec(req.headers.cookie || '')?.[1];
  const s = sid && sessions.get(sid);
  return s ? { sid, ...s, user: users.get(s.userId) } : null;
}
function startSession(res, user, status) {
  const sid = randomUUID();
  const csrf = randomUUID();
  sessions.set(sid, { userId: user.id, csrf });
  send(res, status, { user: me(user, csrf), csrf_token: csrf }, { 'Set-Cookie': `sanad_session=${sid}; HttpOnly; Path=/; SameSite=Lax` });
}
async function readJson(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  try {
    return raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
}

async function api(req, res, path, url) {
  const method = req.method;
  const s = session(req);
  if (s && ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method) && req.headers['x-csrf-token'] !== s.csrf) {
    return problem(res, 403, 'CSRF token missing or invalid');
  }
  const body = ['POST', 'PATCH', 'PUT'].includes(method) ? await readJson(req) : {};
  const need = () => {
    if (!s) problem(res, 401, 'Not logged in');
    return s;
  };

  if (method === 'POST' && path === '/auth/register') {
    const errors = [];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email || '')) errors.push({ field: 'email', message: 'invalid email' });
    if (!body.password || body.password.length < 10) errors.push({ field: 'password', message: 'at least 10 characters' });
    if (!body.display_name) errors.push({ field: 'display_name', message: 'required' });
    if (errors.length) return problem(res, 422, 'Invalid fields', errors);
    if ([...users.values()].some((u) => u.email === body.email)) return problem(res, 409, 'Email already registered');
    const user = {
      id: randomUUID(),
      email: body.email,
      password: body.password,
      display_name: body.display_name,
      roles: ['learner'],
      locale: body.locale || 'fr',
      organization: null,
      organization_kind: null,
      territory: null,
      profession: null,
      email_verified: false,
      disabled: false,
      created_at: new Date().toISOString(),
    };
    users.set(user.id, user);
    return startSession(res, user, 201);
  }
  if (method === 'POST' && path === '/auth/login') {
    if ((failures.get(body.email) || 0) >= 5) return problem(res, 429, 'Too many attempts', null, { 'Retry-After': '60' });
    const user = [...users.values()].find((u) => u.email === body.email);
    if (!user || user.password !== body.password || user.disabled) {
      failures.set(body.email, (failures.get(body.email) || 0) + 1);
      return problem(res, 401, 'Invalid credentials');
    }
    failures.delete(body.email);
    return startSession(res, user, 200);
  }
  if (method === 'POST' && path === '/auth/logout') {
    if (s) sessions.delete(s.sid);
    return send(res, 204, undefined, { 'Set-Cookie': 'sanad_session=; Max-Age=0; Path=/' });
  }
  if (method === 'POST' && path === '/auth/password-reset') return send(res, 202);
  if (method === 'POST' && path === '/auth/password-reset/confirm') return problem(res, 410, 'Token expired');
  if (method === 'POST' && path === '/auth/verify-email') {
    if (body.token !== 'good') return problem(res, 400, 'Invalid token');
    if (s) s.user.email_verified = true;
    return send(res, 204);
  }
  if (method === 'POST' && path === '/auth/verify-email/resend') return need() && send(res, 202);
  if (method === 'GET' && path === '/session') return send(res, 200, { user: s ? me(s.user, s.csrf) : null });
  if (path === '/me') {
    if (!need()) return;
    if (method === 'PATCH') {
      for (const k of ['display_name', 'locale', 'organization', 'organization_kind', 'territory', 'profession']) {
        if (k in body) s.user[k] = body[k];
      }
    }
    return send(res, 200, me(s.user, s.csrf));
  }
  if (path === '/me/tokens') {
    if (!need()) return;
    if (method === 'POST') {
      if (!body.name) return problem(res, 422, 'Invalid fields', [{ field: 'name', message: 'required' }]);
      const id = randomUUID();
      const t = { id, userId: s.userId, name: body.name, created_at: new Date().toISOString(), last_used_at: null };
      tokens.set(id, t);
      return send(res, 201, { id, name: t.name, token: `sanad_${randomUUID().replace(/-/g, '')}`, created_at: t.created_at });
    }
    const items = [...tokens.values()].filter((t) => t.userId === s.userId).map(({ userId: _u, ...t }) => t);
    return send(res, 200, { items });
  }
  if (method === 'DELETE' && path.startsWith('/me/tokens/')) {
    if (!need()) return;
    tokens.delete(path.slice('/me/tokens/'.length));
    return send(res, 204);
  }
  if (path === '/reference/territories') return send(res, 200, { items: TERRITORIES });
  if (path === '/reference/organization-kinds') {
    return send(res, 200, { items: [{ code: 'association', name: 'Association' }, { code: 'institution', name: 'Institution' }] });
  }
  if (path.startsWith('/admin/users')) {
    if (!need()) return;
    if (!s.user.roles.includes('admin')) return problem(res, 403, 'Forbidden');
    const view = ({ password: _p, locale: _l, organization: _o, organization_kind: _k, territory: _t, profession: _pr, ...u }) => u;
    if (method === 'GET' && path === '/admin/users') {
      const q = (url.searchParams.get('q') || '').toLowerCase();
      const items = [...users.values()].filter((u) => !q || u.email.includes(q) || u.display_name.toLowerCase().includes(q));
      return send(res, 200, { items: items.map(view), next_cursor: null });
    }
    const user = users.get(path.slice('/admin/users/'.length));
    if (!user) return problem(res, 404, 'Not found');
    if ('roles' in body) user.roles = body.roles;
    if ('disabled' in body) user.disabled = body.disabled;
    return send(res, 200, view(user));
  }
  return problem(res, 404, 'Not found');
}

createServer((req, res) => {
  const url = new URL(req.url || '/', `http://127.0.0.1:${port}`);
  if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
  if (url.pathname.startsWith('/api/v1/')) {
    return void api(req, res, url.pathname.slice('/api/v1'.length), url).catch((e) => problem(res, 500, String(e)));
  }
  let file = normalize(join(dist, decodeURIComponent(url.pathname)));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log(`mock Sanad API on http://127.0.0.1:${port}`));

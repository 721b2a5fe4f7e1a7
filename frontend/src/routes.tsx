// Every URL of the SPA: pattern -> screen, first match wins (so `/library/new` before `/library/:id`).
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { ItemKind, Me } from './api/types';
import { Authoring, FieldSessions, Forum, TrainerScreen } from './chunks';
import { Alert } from './components/forms';
import { Page } from './components/Layout';
import { isAuthor, isModerator, useApp } from './context';
import { AdminUsers } from './pages/AdminUsers';
import { Login, Logout, Register } from './pages/Auth';
import { CaseStudy } from './pages/case-study';
import { Catalogue } from './pages/Catalogue';
import { Course } from './pages/Course';
import { Directory } from './pages/Directory';
import { Home } from './pages/Home';
import { Lesson } from './pages/Lesson';
import { LibrarySearch, ResourcePage } from './pages/Library';
import { NotFound } from './pages/NotFound';
import { ForgotPassword, ResetPassword } from './pages/Password';
import { Profile } from './pages/Profile';
import { CertificatePage } from './pages/progress/Certificate';
import { Learning } from './pages/progress/Learning';
import { Quiz } from './pages/Quiz';
import { SearchPage } from './pages/Search';
import { VerifyEmail } from './pages/VerifyEmail';
import { matchRoute, navigate, type Params, type Route } from './router';

/** What a screen may depend on besides its params: who is logged in, once `known`. */
interface RouteContext {
  me: Me | null;
  /** False while the session is still being checked (a device that was signed in before). */
  known: boolean;
}

/** While the session is checked: a screen for signed-in people neither shows nor sends to the login. */
function Checking() {
  const { t } = useApp();
  return <p class="loading">{t('app.loading')}</p>;
}

/** No one signed in: to the login page once the session is known to be missing, else wait. */
const noOne = (known: boolean) => (known ? <RequireLogin /> : <Checking />);

function RequireLogin() {
  useEffect(() => {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }, []);
  return null;
}

function Forbidden() {
  const { t } = useApp();
  return (
    <Page title={t('error.forbiddenTitle')}>
      <Alert message={t('error.forbidden')} />
    </Page>
  );
}

/** A screen for logged-in users only: the others are sent to the login page and back. */
const loggedIn =
  (screen: (p: Params) => ComponentChildren) =>
  (p: Params, { me, known }: RouteContext) =>
    me ? screen(p) : noOne(known);

/** A screen for trainers and administrators only. */
const authors =
  (screen: (p: Params) => ComponentChildren) =>
  (p: Params, { me, known }: RouteContext) =>
    !me ? noOne(known) : isAuthor(me) ? screen(p) : <Forbidden />;

/** A screen for moderators and administrators only. */
const moderators =
  (screen: (p: Params) => ComponentChildren) =>
  (p: Params, { me, known }: RouteContext) =>
    !me ? noOne(known) : isModerator(me) ? screen(p) : <Forbidden />;

/** A screen for administrators only. */
const admins =
  (screen: (p: Params) => ComponentChildren) =>
  (p: Params, { me, known }: RouteContext) =>
    !me ? noOne(known) : me.roles.includes('admin') ? screen(p) : <Forbidden />;

export const ROUTES: ReadonlyArray<Route<RouteContext>> = [
  { pattern: '/', screen: () => <Home /> },
  { pattern: '/login', screen: () => <Login /> },
  { pattern: '/register', screen: () => <Register /> },
  { pattern: '/logout', screen: () => <Logout /> },
  { pattern: '/verify-email', screen: () => <VerifyEmail /> },
  { pattern: '/forgot-password', screen: () => <ForgotPassword /> },
  { pattern: '/reset-password', screen: () => <ResetPassword /> },
  { pattern: '/profile', screen: loggedIn(() => <Profile />) },
  { pattern: '/admin/users', screen: loggedIn(() => <AdminUsers />) },
  { pattern: '/search', screen: () => <SearchPage /> },

  // Courses, as learners see them.
  { pattern: '/courses', screen: () => <Catalogue /> },
  { pattern: '/courses/:slug', screen: ({ slug = '' }) => <Course key={slug} slug={slug} /> },
  { pattern: '/lessons/:id', screen: ({ id = '' }) => <Lesson key={id} id={id} /> },
  { pattern: '/quizzes/:id', screen: ({ id = '' }) => <Quiz key={id} id={id} /> },
  { pattern: '/case-studies/:id', screen: ({ id = '' }) => <CaseStudy key={id} id={id} /> },

  // Progress: my learning, attestations anyone can check, cohorts and field sessions (trainers' screens in a lazy chunk).
  { pattern: '/learning', screen: loggedIn(() => <Learning />) },
  { pattern: '/certificates', screen: () => <CertificatePage code="" /> },
  { pattern: '/certificates/:code', screen: ({ code = '' }) => <CertificatePage key={code} code={code} /> },
  { pattern: '/field-sessions', screen: loggedIn(() => <FieldSessions />) },
  { pattern: '/cohorts', screen: authors(() => <TrainerScreen route={{ screen: 'cohorts' }} />) },
  { pattern: '/cohorts/:id', screen: authors(({ id = '' }) => <TrainerScreen route={{ screen: 'cohort', id }} />) },
  { pattern: '/reports/field-sessions', screen: authors(() => <TrainerScreen route={{ screen: 'field-report' }} />) },

  // Course authoring (a lazy chunk).
  { pattern: '/authoring', screen: authors(() => <Authoring route={{ screen: 'list' }} />) },
  { pattern: '/authoring/courses/:slug', screen: authors(({ slug = '' }) => <Authoring route={{ screen: 'course', slug }} />) },
  {
    pattern: '/authoring/courses/:slug/items/:itemId',
    screen: authors(({ slug = '', itemId = '' }) => <Authoring route={{ screen: 'item', slug, itemId }} />),
  },
  {
    pattern: '/authoring/courses/:slug/new/:moduleId/:kind(lesson|quiz|case_study)',
    screen: authors(({ slug = '', moduleId = '', kind }) => (
      <Authoring route={{ screen: 'new', slug, moduleId, kind: kind as ItemKind }} />
    )),
  },

  // Library of resources; upload and tool evaluation are the trainers' (a lazy chunk).
  { pattern: '/library', screen: () => <LibrarySearch /> },
  { pattern: '/library/new', screen: authors(() => <TrainerScreen route={{ screen: 'upload' }} />) },
  { pattern: '/library/evaluation', screen: authors(() => <TrainerScreen route={{ screen: 'overview' }} />) },
  { pattern: '/library/:id', screen: ({ id = '' }) => <ResourcePage key={id} id={id} /> },
  { pattern: '/library/:id/evaluation', screen: authors(({ id = '' }) => <TrainerScreen route={{ screen: 'evaluation', id }} />) },

  // The practice community (a lazy chunk): members only; moderation for moderators, the audit log for administrators.
  { pattern: '/forum', screen: loggedIn(() => <Forum route={{ screen: 'categories' }} />) },
  {
    pattern: '/forum/search',
    screen: loggedIn(() => {
      const q = new URLSearchParams(location.search);
      return <Forum route={{ screen: 'search', q: q.get('q') ?? '', category: q.get('category') ?? '' }} />;
    }),
  },
  { pattern: '/forum/c/:slug', screen: loggedIn(({ slug = '' }) => <Forum key={slug} route={{ screen: 'category', slug }} />) },
  { pattern: '/forum/c/:slug/new', screen: loggedIn(({ slug = '' }) => <Forum key={`new-${slug}`} route={{ screen: 'new-topic', slug }} />) },
  { pattern: '/forum/t/:id', screen: loggedIn(({ id = '' }) => <Forum key={id} route={{ screen: 'topic', id }} />) },
  // The address forum mails link to.
  { pattern: '/forum/topics/:id', screen: loggedIn(({ id = '' }) => <Forum key={id} route={{ screen: 'topic', id }} />) },
  { pattern: '/notifications', screen: loggedIn(() => <Forum route={{ screen: 'notifications' }} />) },
  { pattern: '/moderation', screen: moderators(() => <Forum route={{ screen: 'moderation' }} />) },
  { pattern: '/moderation/audit', screen: admins(() => <Forum route={{ screen: 'audit' }} />) },

  // Directory of services: its upkeep tools depend on who is logged in.
  { pattern: '/annuaire', screen: (_, { me }) => <Directory key={me?.id ?? 'guest'} /> },
];

/** The screen for `path`, or the not-found page. */
export function screenFor(path: string, context: RouteContext): ComponentChildren {
  const found = matchRoute(ROUTES, path);
  return found ? found.route.screen(found.params, context) : <NotFound />;
}

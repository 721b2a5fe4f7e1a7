// The parts of the app loaded on demand (see lazy.tsx), and what the main bundle knows of them.
import type { DirectoryService, ItemKind } from './api/types';
import { Lazy, lazyChunk } from './lazy';

export type AuthoringRoute =
  | { screen: 'list' }
  | { screen: 'course'; slug: string }
  | { screen: 'item'; slug: string; itemId: string }
  | { screen: 'new'; slug: string; moduleId: string; kind: ItemKind };

export type TrainerRoute =
  | { screen: 'upload' }
  | { screen: 'evaluation'; id: string }
  | { screen: 'overview' }
  | { screen: 'cohorts' }
  | { screen: 'cohort'; id: string }
  | { screen: 'field-report' };

const useAuthoring = lazyChunk(() => import('./authoring/index'));
const useTrainer = lazyChunk(() => import('./trainer/index'));
const useFieldwork = lazyChunk(() => import('./fieldwork/index'));
const useForum = lazyChunk(() => import('./forum/index'));

export type ForumRoute =
  | { screen: 'categories' }
  | { screen: 'search'; q: string; category: string }
  | { screen: 'category'; slug: string }
  | { screen: 'new-topic'; slug: string }
  | { screen: 'topic'; id: string }
  | { screen: 'notifications' }
  | { screen: 'moderation' }
  | { screen: 'audit' };

/** The course authoring screens. */
export function Authoring({ route }: { route: AuthoringRoute }) {
  return <Lazy chunk={useAuthoring()}>{(m) => <m.AuthoringScreen route={route} />}</Lazy>;
}

/** The trainers' screens (library upload and evaluation, cohorts, field-sessions report). */
export function TrainerScreen({ route }: { route: TrainerRoute }) {
  return <Lazy chunk={useTrainer()}>{(m) => <m.TrainerScreen route={route} />}</Lazy>;
}

/** The directory's upkeep panel (add, import, export). */
export function DirectoryTools(props: { territory: string; onChanged: () => void }) {
  return (
    <Lazy chunk={useTrainer()} loading="nothing">
      {(m) => <m.DirectoryTools {...props} />}
    </Lazy>
  );
}

/** Verify, edit and delete buttons of one service. */
export function ServiceActions(props: { service: DirectoryService; onUpdated: (s: DirectoryService) => void; onDeleted: () => void }) {
  return (
    <Lazy chunk={useTrainer()} loading="nothing" failure="nothing">
      {(m) => <m.ServiceActions {...props} />}
    </Lazy>
  );
}

/** The sessions a professional ran after a training (form and list). */
export function FieldSessions() {
  return <Lazy chunk={useFieldwork()}>{(m) => <m.FieldSessionsScreen />}</Lazy>;
}

/** The practice community: categories, topics, notifications, moderation. */
export function Forum({ route }: { route: ForumRoute }) {
  return <Lazy chunk={useForum()}>{(m) => <m.ForumScreen route={route} />}</Lazy>;
}

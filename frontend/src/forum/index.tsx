// The practice community (lazy chunk, see chunks.tsx): categories, topics,
// notifications and mail preferences, moderation and its audit log.
import type { ForumRoute } from '../chunks';
import { Categories, CategoryTopics, ForumSearch, NewTopic } from './Categories';
import { AuditScreen, ModerationScreen } from './Moderation';
import { NotificationsScreen } from './Notifications';
import { TopicScreen } from './Topic';

export function ForumScreen({ route }: { route: ForumRoute }) {
  switch (route.screen) {
    case 'categories':
      return <Categories />;
    case 'search':
      return <ForumSearch key={`${route.q}|${route.category}`} q={route.q} category={route.category} />;
    case 'category':
      return <CategoryTopics slug={route.slug} />;
    case 'new-topic':
      return <NewTopic slug={route.slug} />;
    case 'topic':
      return <TopicScreen id={route.id} />;
    case 'notifications':
      return <NotificationsScreen />;
    case 'moderation':
      return <ModerationScreen />;
    case 'audit':
      return <AuditScreen />;
  }
}

// The practice community (crates/forum): its objects, named as the generated
// schema names them, and every call the forum screens make.
import type { components } from '../../generated/schema';
import { request } from './client';

const API = '/api/v1';
const seg = encodeURIComponent;

type Schema = components['schemas'];

export type CategoryView = Schema['CategoryView'];
export type CategoryList = Schema['CategoryList'];
export type TopicSummary = Schema['TopicSummary'];
export type TopicPage = Schema['TopicPage'];
export type AuthorView = Schema['AuthorView'];
export type TopicView = Schema['TopicView'];
export type TopicWithPosts = Schema['TopicWithPosts'];
export type PostView = Schema['PostView'];
export type PostStatus = Schema['PostStatus'];
export type Reason = Schema['Reason'];
export type Submission = Schema['Submission'];
export type NewTopic = Schema['NewTopic'];
export type NewPost = Schema['NewPost'];
export type ReactionKind = Schema['ReactionKind'];
export type SubscriptionLevel = Schema['SubscriptionLevel'];
export type NotificationView = Schema['NotificationView'];
export type NotificationPage = Schema['NotificationPage'];
export type NotificationKind = Schema['NotificationKind'];
export type EmailFrequency = Schema['EmailFrequency'];
export type NotificationSettings = Schema['NotificationSettings'];
export type QueueItem = Schema['QueueItem'];
export type QueuePage = Schema['QueuePage'];
export type Decision = Schema['Decision'];
export type DecisionInput = Schema['DecisionInput'];
export type DecisionOutcome = Schema['DecisionOutcome'];
export type RealAuthor = Schema['RealAuthor'];
export type AuditEntry = Schema['AuditEntry'];
export type AuditPage = Schema['AuditPage'];
export type PostHit = Schema['PostHit'];
export type PostSearchPage = Schema['PostSearchPage'];
export type FlagReason = Schema['FlagReason'];
export type NewFlag = Schema['NewFlag'];
export type FlagView = Schema['FlagView'];
export type RevisionView = Schema['RevisionView'];
export type RevisionPage = Schema['RevisionPage'];
export type RevisionRedaction = Schema['RevisionRedaction'];

// The vocabularies in the order the screens offer them (checked against the schema).
export const REACTIONS = ['thanks', 'helpful', 'support'] as const satisfies readonly ReactionKind[];
export const SUBSCRIPTION_LEVELS = ['watching', 'normal', 'muted'] as const satisfies readonly SubscriptionLevel[];
export const FLAG_REASONS = ['identifying', 'harmful', 'spam', 'other'] as const satisfies readonly FlagReason[];
export const EMAIL_FREQUENCIES = ['immediate', 'daily', 'weekly', 'off'] as const satisfies readonly EmailFrequency[];

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Reading.
export const listCategories = (lang: string): Promise<CategoryList> => request('GET', `${API}/forum/categories${query({ lang })}`);
export const listTopics = (slug: string, cursor?: string): Promise<TopicPage> =>
  request('GET', `${API}/forum/categories/${seg(slug)}/topics${query({ cursor })}`);
export const getTopic = (id: string, cursor?: string, limit?: number): Promise<TopicWithPosts> =>
  request('GET', `${API}/forum/topics/${seg(id)}${query({ cursor, limit })}`);
export const searchPosts = (q: string, category?: string, cursor?: string): Promise<PostSearchPage> =>
  request('GET', `${API}/forum/search${query({ q, category, cursor })}`);

// Writing: 201 published, 202 held (with the reasons, in the caller's language).
export const createTopic = (body: NewTopic, lang: string): Promise<Submission> => request('POST', `${API}/forum/topics${query({ lang })}`, body);
export const replyTo = (topicId: string, body: NewPost, lang: string): Promise<Submission> =>
  request('POST', `${API}/forum/topics/${seg(topicId)}/posts${query({ lang })}`, body);
export const editPost = (postId: string, body: string, lang: string): Promise<Submission> =>
  request('PATCH', `${API}/forum/posts/${seg(postId)}${query({ lang })}`, { body });
// A topic's title, by its author or a moderator: screened like a new topic (202 held).
export const editTopicTitle = (topicId: string, title: string, lang: string): Promise<Submission> =>
  request('PATCH', `${API}/forum/topics/${seg(topicId)}${query({ lang })}`, { title });
export const deletePost = (postId: string): Promise<void> => request('DELETE', `${API}/forum/posts/${seg(postId)}`);
export const addReaction = (postId: string, kind: ReactionKind): Promise<unknown> => request('POST', `${API}/forum/posts/${seg(postId)}/reactions`, { kind });
export const removeReaction = (postId: string, kind: ReactionKind): Promise<void> =>
  request('DELETE', `${API}/forum/posts/${seg(postId)}/reactions/${seg(kind)}`);
export const flagPost = (postId: string, body: NewFlag): Promise<FlagView> => request('POST', `${API}/forum/posts/${seg(postId)}/flags`, body);
export const markAnswer = (topicId: string, postId: string): Promise<void> => request('POST', `${API}/forum/topics/${seg(topicId)}/answer`, { post_id: postId });
export const setSubscription = (topicId: string, level: SubscriptionLevel): Promise<{ level: SubscriptionLevel }> =>
  request('PUT', `${API}/forum/topics/${seg(topicId)}/subscription`, { level });
// A watched category tells of each new topic.
export const getCategorySubscription = (slug: string): Promise<{ level: SubscriptionLevel }> =>
  request('GET', `${API}/forum/categories/${seg(slug)}/subscription`);
export const setCategorySubscription = (slug: string, level: SubscriptionLevel): Promise<{ level: SubscriptionLevel }> =>
  request('PUT', `${API}/forum/categories/${seg(slug)}/subscription`, { level });
export async function previewMarkdown(markdown: string): Promise<string> {
  return (await request<Schema['MarkdownPreview']>('POST', `${API}/markdown/preview`, { markdown })).html;
}

// Notifications and mail.
export const listNotifications = (cursor?: string): Promise<NotificationPage> => request('GET', `${API}/me/notifications${query({ cursor })}`);
export const markNotificationsRead = (body: Schema['ReadMarks']): Promise<void> => request('POST', `${API}/me/notifications/read`, body);
export const getNotificationSettings = (): Promise<NotificationSettings> => request('GET', `${API}/me/notification-settings`);
export const saveNotificationSettings = (body: NotificationSettings): Promise<NotificationSettings> =>
  request('PUT', `${API}/me/notification-settings`, body);

// Moderation.
export const getQueue = (cursor?: string): Promise<QueuePage> => request('GET', `${API}/moderation/queue${query({ cursor })}`);
export const decide = (itemId: string, body: DecisionInput): Promise<DecisionOutcome> =>
  request('POST', `${API}/moderation/items/${seg(itemId)}/decision`, body);
export const lookUpAuthor = (postId: string): Promise<RealAuthor> => request('GET', `${API}/moderation/posts/${seg(postId)}/author`);
export const getAuditLog = (cursor?: string): Promise<AuditPage> => request('GET', `${API}/moderation/audit${query({ cursor })}`);
// A post's earlier texts (moderators only), and the audited redaction of one.
export const listRevisions = (postId: string, cursor?: string): Promise<RevisionPage> =>
  request('GET', `${API}/moderation/posts/${seg(postId)}/revisions${query({ cursor })}`);
export const redactRevision = (revisionId: string, body: RevisionRedaction): Promise<RevisionView> =>
  request('POST', `${API}/moderation/revisions/${seg(revisionId)}/redaction`, body);

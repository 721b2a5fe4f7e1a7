// Types derived from the operations (paths), not from component names, so that
// regenerating schema.d.ts from the server's own document keeps them valid.
import type { components, paths } from '../../generated/schema';

// The JSON body of a response or request, whatever its exact media type
// ("application/json" or "application/json; charset=utf-8").
type Json<R> = R extends { content: infer C } ? C[Extract<keyof C, `application/json${string}`>] : never;
type Body<O> = O extends { requestBody?: infer RB } ? Json<NonNullable<RB>> : never;
/** The query parameters of an operation. */
type Query<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Me = Json<paths['/api/v1/me']['get']['responses'][200]>;
export type ProfileBody = Body<paths['/api/v1/me']['patch']>;
type Clearable = 'organization' | 'organization_kind' | 'territory' | 'profession';
/** PATCH /me: `null` clears an optional field (the server accepts it even where the document omits `nullable`). */
export type UpdateMe = Omit<ProfileBody, Clearable> & { [K in Clearable]?: NonNullable<ProfileBody[K]> | null };
export type SessionResponse = Json<paths['/api/v1/auth/login']['post']['responses'][200]>;
export type RegisterRequest = Body<paths['/api/v1/auth/register']['post']>;
export type LoginRequest = Body<paths['/api/v1/auth/login']['post']>;
export type TokenInfo = Json<paths['/api/v1/me/tokens']['get']['responses'][200]>['items'][number];
export type CreatedToken = Json<paths['/api/v1/me/tokens']['post']['responses'][201]>;
export type ReferenceItem = Json<paths['/api/v1/reference/territories']['get']['responses'][200]>['items'][number];
export type AdminUserList = Json<paths['/api/v1/admin/users']['get']['responses'][200]>;
export type AdminUser = AdminUserList['items'][number];
export type AdminUserUpdate = Body<paths['/api/v1/admin/users/{id}']['patch']>;
export type AdminUserQuery = Query<paths['/api/v1/admin/users']['get']>;
/** Roles as the API types them (an enum, or plain strings). */
export type Role = Me['roles'][number];
export type OrganizationKind = NonNullable<Me['organization_kind']>;

// The values the UI knows how to name, kept independent of how the document types them.
export const ROLES = ['learner', 'trainer', 'moderator', 'admin'] as const;
export type KnownRole = (typeof ROLES)[number];
export const ORGANIZATION_KINDS = ['association', 'institution'] as const;
export type KnownOrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export function isKnownRole(value: string): value is KnownRole {
  return (ROLES as readonly string[]).includes(value);
}

// Courses: the learner's side.
export type CoursePage = Json<paths['/api/v1/courses']['get']['responses'][200]>;
/** The SPA always names the language it wants the titles in. */
export type CourseQuery = Query<paths['/api/v1/courses']['get']> & { lang: string };
export type CourseSummary = CoursePage['items'][number];
export type CourseDetail = Json<paths['/api/v1/courses/{slug}']['get']['responses'][200]>;
export type ModuleOutline = CourseDetail['modules'][number];
export type ItemRef = ModuleOutline['items'][number];
export type ItemKind = ItemRef['kind'];
export type LessonView = Json<paths['/api/v1/lessons/{id}']['get']['responses'][200]>;
export type QuizView = Json<paths['/api/v1/quizzes/{id}']['get']['responses'][200]>;
export type QuestionView = QuizView['questions'][number];
export type AttemptRequest = Body<paths['/api/v1/quizzes/{id}/attempts']['post']>;
export type AnswerInput = AttemptRequest['answers'][number];
export type AttemptResult = Json<paths['/api/v1/quizzes/{id}/attempts']['post']['responses'][201]>;
export type CaseStudyView = Json<paths['/api/v1/case-studies/{id}']['get']['responses'][200]>;
export type RunStarted = Json<paths['/api/v1/case-studies/{id}/runs']['post']['responses'][201]>;
export type NodeView = RunStarted['node'];
export type EndingView = NonNullable<NodeView['ending']>;
export type ChoiceOutcome = Json<paths['/api/v1/case-study-runs/{run_id}/choices']['post']['responses'][200]>;
export type RunView = Json<paths['/api/v1/case-study-runs/{run_id}']['get']['responses'][200]>;
export type RunStep = RunView['steps'][number];

// Courses: the authors' side.
export type AuthoredCourseList = Json<paths['/api/v1/authoring/courses']['get']['responses'][200]>;
export type AuthoredCourse = AuthoredCourseList['items'][number];
export type NewCourse = Body<paths['/api/v1/courses']['post']>;
export type CourseUpdate = Body<paths['/api/v1/courses/{slug}']['patch']>;
export type DraftCourse = Json<paths['/api/v1/courses/{slug}/draft']['get']['responses'][200]>;
export type DraftModule = DraftCourse['modules'][number];
export type DraftItem = DraftModule['items'][number];
export type LocalizedText = DraftCourse['title'];
export type ModuleInput = Body<paths['/api/v1/courses/{slug}/modules']['post']>;
export type LessonInput = Body<paths['/api/v1/modules/{id}/lessons']['post']>;
export type QuizInput = Body<paths['/api/v1/modules/{id}/quizzes']['post']>;
export type QuestionInput = QuizInput['questions'][number];
export type ChoiceInput = QuestionInput['choices'][number];
export type QuestionKind = QuestionInput['kind'];
export type CaseStudyInput = Body<paths['/api/v1/modules/{id}/case-studies']['post']>;
export type CaseNodeInput = CaseStudyInput['nodes'][number];
export type CaseChoiceInput = CaseNodeInput['choices'][number];
export type EndingInput = CaseStudyInput['endings'][number];
export type Published = Json<paths['/api/v1/courses/{slug}/publish']['post']['responses'][200]>;
export type Imported = Json<paths['/api/v1/courses/import']['post']['responses'][201]>;

// Vocabularies: the values come from the server's enums (platform/src/vocabulary.rs)
// through schema.d.ts; `allOf` makes tsc fail when a list here and the schema differ.
type Schema = components['schemas'];

/** The list, checked to hold every value of `V` and nothing else. */
function allOf<V extends string>() {
  return <const L extends readonly V[]>(list: L & ([Exclude<V, L[number]>] extends [never] ? unknown : { missing: Exclude<V, L[number]> })): L =>
    list;
}

/** Course themes: all the platform's themes but `advocacy`, which only resources have. */
export const THEMES = ['concepts', 'pec', 'prevention', 'wellbeing'] as const satisfies readonly Schema['Theme'][];
export type Theme = (typeof THEMES)[number];
export const LEVELS = allOf<Schema['Level']>()(['beginner', 'intermediate', 'advanced']);
export const BANDS = allOf<Schema['EndingBand']>()(['good', 'partial', 'poor']);
export type Band = (typeof BANDS)[number];
export const QUESTION_KINDS = ['single', 'multiple', 'true_false', 'short_text'] as const;

export function isTheme(value: string): value is Theme {
  return (THEMES as readonly string[]).includes(value);
}
export function isLevel(value: string): value is (typeof LEVELS)[number] {
  return (LEVELS as readonly string[]).includes(value);
}
export function isBand(value: string): value is Band {
  return (BANDS as readonly string[]).includes(value);
}

/** The learner's route for an item. */
export function itemHref(item: { id: string; kind: string }, preview = false): string {
  const base = item.kind === 'quiz' ? '/quizzes/' : item.kind === 'case_study' ? '/case-studies/' : '/lessons/';
  return `${base}${item.id}${preview ? '?preview=1' : ''}`;
}

// Library of resources and tool evaluation.
export type SearchPage = Json<paths['/api/v1/library/resources']['get']['responses'][200]>;
export type LibraryQuery = Query<paths['/api/v1/library/resources']['get']>;
export type ResourceHit = SearchPage['items'][number];
export type Facets = SearchPage['facets'];
export type SearchAllPage = Json<paths['/api/v1/search']['get']['responses'][200]>;
export type SearchHit = SearchAllPage['items'][number];
export type ResourceView = Json<paths['/api/v1/library/resources/{id}']['get']['responses'][200]>;
export type ResourceFile = ResourceView['files'][number];
export type RatingRequest = Body<paths['/api/v1/library/resources/{id}/ratings']['post']>;
export type RatingSummary = Json<paths['/api/v1/library/resources/{id}/ratings']['post']['responses'][200]>;
export type Evaluation = Json<paths['/api/v1/library/resources/{id}/evaluation']['get']['responses'][200]>;
export type ReviewDue = Json<paths['/api/v1/library/review-due']['get']['responses'][200]>['items'][number];
export type Created = Json<paths['/api/v1/library/resources']['post']['responses'][201]>;

/**
 * The JSON of the upload's `metadata` part. The document types that part as a string,
 * so its fields are the resource's own (as `GET` returns them), optional ones left out rather than null.
 */
export type ResourceMetadata = Pick<ResourceView, 'title' | 'description' | 'tags' | 'links'> & {
  // What the form holds; the server checks them against its vocabularies and names a bad one.
  type: string;
  audience: string[];
  language: string;
  themes: string[];
  territory?: string;
  review_by?: string;
};

// Directory of services (annuaire).
export type ServicePage = Json<paths['/api/v1/directory/services']['get']['responses'][200]>;
export type ServiceQuery = Query<paths['/api/v1/directory/services']['get']>;
export type DirectoryService = ServicePage['items'][number];
export type NewService = Body<paths['/api/v1/directory/services']['post']>;
export type ServiceUpdate = Body<paths['/api/v1/directory/services/{id}']['patch']>;
export type ImportReport = Json<paths['/api/v1/directory/services/import']['post']['responses'][200]>;

// The vocabularies the UI names (in the order it shows them).
export const RESOURCE_TYPES = allOf<Schema['ResourceType']>()([
  'guide',
  'manual',
  'practice_sheet',
  'comic',
  'poster',
  'booklet',
  'video',
  'audio',
  'play',
  'puppet_show',
  'kit',
  'training_module',
  'pathway',
  'directory',
  'presentation',
  'charter',
  'report',
]);
export const AUDIENCES = allOf<Schema['Audience']>()(['children_8_12', 'children_12_15', 'youth_15_18', 'parents', 'professionals']);
export const CONTENT_LANGUAGES = allOf<Schema['Language']>()(['fr', 'ar', 'en']);
export const TERRITORIES = allOf<Schema['Territory']>()(['sale', 'kenitra', 'skhirat-temara', 'rabat']);
export const LIBRARY_THEMES = allOf<Schema['Theme']>()(['concepts', 'pec', 'prevention', 'wellbeing', 'advocacy']);
export const SERVICE_KINDS = allOf<Schema['ServiceKind']>()([
  'tribunal',
  'hospital_unit',
  'upe_cape',
  'police',
  'association',
  'shelter',
  'legal_aid',
  'psychological_support',
]);
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export type Audience = (typeof AUDIENCES)[number];
export type Territory = (typeof TERRITORIES)[number];
export type LibraryTheme = (typeof LIBRARY_THEMES)[number];
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export function isOneOf<T extends string>(list: readonly T[], value: string | null | undefined): value is T {
  return value != null && (list as readonly string[]).includes(value);
}

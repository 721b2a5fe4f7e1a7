// API calls of the authoring screens only (loaded with them, never by learners).
import { client, postRaw, unwrap } from './client';
import type {
  AuthoredCourse,
  CaseStudyInput,
  CourseUpdate,
  DraftCourse,
  DraftItem,
  DraftModule,
  Imported,
  LessonInput,
  ModuleInput,
  NewCourse,
  Published,
  QuizInput,
} from './types';

export async function listAuthoredCourses(): Promise<AuthoredCourse[]> {
  return (await unwrap(client.GET('/api/v1/authoring/courses'))).items;
}

export const createCourse = (body: NewCourse): Promise<DraftCourse> => unwrap(client.POST('/api/v1/courses', { body }));

export const importCourse = (file: Blob): Promise<Imported> => postRaw<Imported>('/api/v1/courses/import', file, 'application/zip');

/** A language of the platform, as the API names it (`?language=`). */
export type Language = 'fr' | 'ar' | 'en';

/** The draft; with `language`, every item's texts in that language (empty where not yet written), to translate them. */
export const getDraft = (slug: string, language?: Language): Promise<DraftCourse> =>
  unwrap(client.GET('/api/v1/courses/{slug}/draft', { params: { path: { slug }, ...(language ? { query: { language } } : {}) } }));

/** `?language=` of an item save: only a language other than the course's makes the save a translation. */
const saveQuery = (language?: Language) => (language ? { query: { language } } : {});

export const updateCourse = (slug: string, body: CourseUpdate): Promise<DraftCourse> =>
  unwrap(client.PATCH('/api/v1/courses/{slug}', { params: { path: { slug } }, body }));

export const publishCourse = (slug: string): Promise<Published> =>
  unwrap(client.POST('/api/v1/courses/{slug}/publish', { params: { path: { slug } } }));

export const exportUrl = (slug: string): string => `/api/v1/courses/${encodeURIComponent(slug)}/export`;

export const addModule = (slug: string, body: ModuleInput): Promise<DraftModule> =>
  unwrap(client.POST('/api/v1/courses/{slug}/modules', { params: { path: { slug } }, body }));

export const renameModule = (id: string, body: ModuleInput): Promise<DraftModule> =>
  unwrap(client.PATCH('/api/v1/modules/{id}', { params: { path: { id } }, body }));

export const deleteModule = (id: string): Promise<unknown> => unwrap(client.DELETE('/api/v1/modules/{id}', { params: { path: { id } } }));

export const deleteItem = (id: string): Promise<unknown> => unwrap(client.DELETE('/api/v1/items/{id}', { params: { path: { id } } }));

export const moveItem = (id: string, position: number): Promise<DraftItem> =>
  unwrap(client.POST('/api/v1/items/{id}/move', { params: { path: { id } }, body: { position } }));

export const createLesson = (moduleId: string, body: LessonInput): Promise<DraftItem> =>
  unwrap(client.POST('/api/v1/modules/{id}/lessons', { params: { path: { id: moduleId } }, body }));

export const saveLesson = (itemId: string, body: LessonInput, language?: Language): Promise<DraftItem> =>
  unwrap(client.PUT('/api/v1/items/{id}/lesson', { params: { path: { id: itemId }, ...saveQuery(language) }, body }));

export const createQuiz = (moduleId: string, body: QuizInput): Promise<DraftItem> =>
  unwrap(client.POST('/api/v1/modules/{id}/quizzes', { params: { path: { id: moduleId } }, body }));

export const saveQuiz = (itemId: string, body: QuizInput, language?: Language): Promise<DraftItem> =>
  unwrap(client.PUT('/api/v1/items/{id}/quiz', { params: { path: { id: itemId }, ...saveQuery(language) }, body }));

export const createCaseStudy = (moduleId: string, body: CaseStudyInput): Promise<DraftItem> =>
  unwrap(client.POST('/api/v1/modules/{id}/case-studies', { params: { path: { id: moduleId } }, body }));

export const saveCaseStudy = (itemId: string, body: CaseStudyInput, language?: Language): Promise<DraftItem> =>
  unwrap(client.PUT('/api/v1/items/{id}/case-study', { params: { path: { id: itemId }, ...saveQuery(language) }, body }));

export async function previewMarkdown(markdown: string, signal?: AbortSignal): Promise<string> {
  return (await unwrap(client.POST('/api/v1/markdown/preview', { body: { markdown }, ...(signal ? { signal } : {}) }))).html;
}

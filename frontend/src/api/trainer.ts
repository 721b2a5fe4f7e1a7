// API calls of the trainers' library and directory screens (loaded with them only).
import { client, postForm, postRaw, unwrap } from './client';
import type {
  Created,
  DirectoryService,
  Evaluation,
  ImportReport,
  NewService,
  ResourceMetadata,
  ReviewDue,
  ServiceUpdate,
} from './types';

/** Multipart upload: a `metadata` part (JSON) and one `files` part per file. */
export function uploadResource(metadata: ResourceMetadata, files: File[]): Promise<Created> {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  for (const file of files) form.append('files', file, file.name);
  return postForm<Created>('/api/v1/library/resources', form);
}

export const getEvaluation = (id: string): Promise<Evaluation> =>
  unwrap(client.GET('/api/v1/library/resources/{id}/evaluation', { params: { path: { id } } }));

export async function listReviewDue(): Promise<ReviewDue[]> {
  return (await unwrap(client.GET('/api/v1/library/review-due'))).items;
}

export const EVALUATION_CSV_URL = '/api/v1/library/evaluation.csv';

export const createService = (body: NewService): Promise<DirectoryService> =>
  unwrap(client.POST('/api/v1/directory/services', { body }));

/** One service with its texts in `lang` where it has them (`text_languages` says which): the edit
 *  form reads the French and the Arabic texts this way. */
export const getService = (id: string, lang: 'fr' | 'ar'): Promise<DirectoryService> =>
  unwrap(client.GET('/api/v1/directory/services/{id}', { params: { path: { id }, query: { lang } } }));

export const updateService = (id: string, body: ServiceUpdate): Promise<DirectoryService> =>
  unwrap(client.PATCH('/api/v1/directory/services/{id}', { params: { path: { id } }, body }));

export const deleteService = (id: string): Promise<unknown> =>
  unwrap(client.DELETE('/api/v1/directory/services/{id}', { params: { path: { id } } }));

export const verifyService = (id: string): Promise<DirectoryService> =>
  unwrap(client.POST('/api/v1/directory/services/{id}/verify', { params: { path: { id } } }));

export const importServices = (csv: string): Promise<ImportReport> =>
  postRaw<ImportReport>('/api/v1/directory/services/import', new Blob([csv], { type: 'text/csv' }), 'text/csv; charset=utf-8');

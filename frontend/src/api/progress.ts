// Progress, cohorts and field sessions (crates/progress): their objects, named as
// the generated schema names them, and every call the SPA makes to them.
import type { components } from '../../generated/schema';
import { request } from './client';

const API = '/api/v1';
const seg = encodeURIComponent;

type Schema = components['schemas'];

/** `lesson`, `quiz` or `case_study`. */
export type ResumeKind = NonNullable<Schema['CourseProgressSummary']['resume_item_kind']>;
export type Enrolment = Schema['Enrolment'];
export type CourseProgressSummary = Schema['CourseProgressSummary'];
export type MyProgress = Schema['MyProgress'];
export type LockedModuleView = Schema['LockedModuleView'];
export type CourseProgress = Schema['CourseProgress'];
export type CertificateSummary = Schema['CertificateSummary'];
export type CertificateList = Schema['CertificateList'];
export type CertificateCheck = Schema['CertificateCheck'];
export type NewCohort = Schema['NewCohort'];
export type CohortView = Schema['CohortView'];
export type CohortPage = Schema['CohortPage'];
export type MemberEmails = Schema['MemberEmails'];
export type RejectedEmail = Schema['RejectedEmail'];
export type MembersAdded = Schema['MembersAdded'];
export type QuizScore = Schema['QuizScore'];
export type MemberProgress = Schema['MemberProgress'];
export type QuestionRate = Schema['QuestionRate'];
export type CohortProgress = Schema['CohortProgress'];
export type IdleReminder = Schema['IdleReminder'];
export type RemindersSent = Schema['RemindersSent'];
export type NewFieldSession = Schema['NewFieldSession'];
export type UsedResource = Schema['UsedResource'];
export type FieldSessionView = Schema['FieldSessionView'];
export type FieldSessionPage = Schema['FieldSessionPage'];
export type ResourceUse = Schema['ResourceUse'];
export type FieldReport = Schema['FieldReport'];

/** The audiences of a field session, in the order the form offers them. */
export const FIELD_AUDIENCES = ['children', 'parents', 'professionals', 'community'] as const;

/** The filters of the field-sessions report (empty values are left out). */
export interface ReportFilter {
  territory: string;
  from: string;
  to: string;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The learner's side.
export const getMyProgress = (): Promise<MyProgress> => request('GET', `${API}/me/progress`);
export const getCourseProgress = (slug: string): Promise<CourseProgress> => request('GET', `${API}/courses/${seg(slug)}/progress`);
export const enrol = (slug: string): Promise<Enrolment> => request('POST', `${API}/courses/${seg(slug)}/enrolment`);
/** Marks a lesson read now; with `key`, a sending that reached the server before counts once. */
export const completeLesson = (id: string, key?: string): Promise<void> =>
  request('POST', `${API}/lessons/${seg(id)}/completion`, key ? ({ idempotency_key: key } satisfies Schema['CompletionReceipt']) : undefined);
export const getMyCertificates = (): Promise<CertificateList> => request('GET', `${API}/me/certificates`);

// Attestations, public.
/** A code as people type it: spaces and dashes of layout removed, upper case. */
export const normalizeCode = (typed: string): string => typed.replace(/\s+/g, '').toUpperCase();
export const verifyCertificate = (code: string): Promise<CertificateCheck> => request('GET', `${API}/certificates/${seg(code)}`);
export const certificatePdfUrl = (code: string): string => `${API}/certificates/${seg(code)}/pdf`;
export const certificatePageHref = (code: string): string => `/certificates/${seg(code)}`;

// Cohorts (trainers).
export const listCohorts = (): Promise<CohortPage> => request('GET', `${API}/cohorts${query({ limit: 100 })}`);
export const createCohort = (body: NewCohort): Promise<CohortView> => request('POST', `${API}/cohorts`, body);
export const addMembers = (id: string, body: MemberEmails): Promise<MembersAdded> => request('POST', `${API}/cohorts/${seg(id)}/members`, body);
export const getCohortProgress = (id: string, inactiveDays?: number): Promise<CohortProgress> =>
  request('GET', `${API}/cohorts/${seg(id)}/progress${query({ inactive_days: inactiveDays })}`);
export const cohortCsvUrl = (id: string, inactiveDays?: number): string =>
  `${API}/cohorts/${seg(id)}/progress.csv${query({ inactive_days: inactiveDays })}`;
export const remindIdle = (id: string, body: IdleReminder): Promise<RemindersSent> => request('POST', `${API}/cohorts/${seg(id)}/reminders`, body);

// Field sessions.
export const recordFieldSession = (body: NewFieldSession): Promise<FieldSessionView> => request('POST', `${API}/me/field-sessions`, body);
export const listMyFieldSessions = (): Promise<FieldSessionPage> => request('GET', `${API}/me/field-sessions${query({ limit: 50 })}`);
export const getFieldReport = (f: ReportFilter): Promise<FieldReport> => request('GET', `${API}/reports/field-sessions${query({ ...f })}`);
export const fieldReportCsvUrl = (f: ReportFilter): string => `${API}/reports/field-sessions.csv${query({ ...f })}`;

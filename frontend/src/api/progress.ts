// hand-written until the schema has them: the lead replaces them with components['schemas'] aliases and client calls.
// Progress, cohorts and field sessions (crates/progress): the objects as the server writes them
// (field names = the Rust structs' fields; dates as ISO strings) and every call the SPA makes to them.
import { request } from './client';

const API = '/api/v1';
const seg = encodeURIComponent;

/** `lesson`, `quiz` or `case_study`. */
export type ResumeKind = string;

export interface Enrolment {
  course_slug: string;
  enrolled_at: string;
}

export interface CourseProgressSummary {
  course_slug: string;
  course_title: string;
  completed_items: number;
  total_items: number;
  percent: number;
  resume_item_id: string | null;
  resume_item_kind: ResumeKind | null;
  last_activity_at: string;
  completed_at: string | null;
  certificate_code: string | null;
}

export interface MyProgress {
  items: CourseProgressSummary[];
  next_cursor: string | null;
}

export interface LockedModuleView {
  module_id: string;
  requires_module_id: string;
  requires_module_title: string;
}

export interface CourseProgress {
  course_slug: string;
  enrolled: boolean;
  completed_item_ids: string[];
  locked_module_ids: string[];
  locked_modules: LockedModuleView[];
  completed_items: number;
  total_items: number;
  percent: number;
  resume_item_id: string | null;
  resume_item_kind: ResumeKind | null;
  completed_at: string | null;
  certificate_code: string | null;
}

export interface CertificateSummary {
  code: string;
  course_slug: string;
  course_title: string;
  issued_at: string;
}

export interface CertificateList {
  items: CertificateSummary[];
  next_cursor: string | null;
}

export interface CertificateCheck {
  code: string;
  holder_name: string;
  course_title: string;
  course_title_fr: string;
  course_title_ar: string | null;
  course_slug: string;
  /** Hours of training, in halves. */
  hours: number;
  issued_at: string;
  valid: boolean;
}

export interface NewCohort {
  course_slug: string;
  title: string;
  /** `YYYY-MM-DD`. */
  starts_on: string;
  ends_on: string;
}

export interface CohortView {
  id: string;
  course_slug: string;
  course_title: string;
  title: string;
  starts_on: string;
  ends_on: string;
  trainer_id: string;
  created_at: string;
}

export interface CohortPage {
  items: CohortView[];
  next_cursor: string | null;
}

export interface MemberEmails {
  emails: string[];
}

export interface RejectedEmail {
  email: string;
  /** `invalid_email`, `duplicate` or `disabled_account`. */
  reason: string;
}

export interface MembersAdded {
  added: string[];
  invited: string[];
  rejected: RejectedEmail[];
}

export interface QuizScore {
  quiz_id: string;
  quiz_title: string;
  best_score: number;
  max_score: number;
  attempts: number;
}

export interface MemberProgress {
  user_id: string;
  display_name: string;
  completed_items: number;
  total_items: number;
  percent: number;
  last_activity_at: string | null;
  best_quiz_scores: QuizScore[];
  idle_reminded_at: string | null;
}

export interface QuestionRate {
  quiz_id: string;
  question_id: string;
  attempts: number;
  /** From 0 to 1. */
  success_rate: number;
}

export interface CohortProgress {
  cohort: CohortView;
  members: MemberProgress[];
  pending_invitations: string[];
  questions: QuestionRate[];
}

export interface IdleReminder {
  inactive_days: number;
}

export interface RemindersSent {
  reminded: number;
  skipped: number;
}

export interface NewFieldSession {
  held_on: string;
  territory: string;
  /** `children`, `parents`, `professionals` or `community`. */
  audience: string;
  participants: number;
  resource_ids: string[];
  notes?: string | null;
}

export interface UsedResource {
  id: string;
  title: string;
}

export interface FieldSessionView {
  id: string;
  held_on: string;
  territory: string;
  audience: string;
  participants: number;
  resources: UsedResource[];
  notes: string;
  created_at: string;
}

export interface FieldSessionPage {
  items: FieldSessionView[];
  next_cursor: string | null;
}

export interface ResourceUse {
  resource_id: string;
  title: string;
  sessions: number;
}

export interface FieldReport {
  sessions: number;
  participants: number;
  by_territory: Record<string, number>;
  by_audience: Record<string, number>;
  /** `YYYY-MM` -> sessions, every month of the span (zeros included). */
  by_month: Record<string, number>;
  participants_by_month: Record<string, number>;
  by_resource: ResourceUse[];
}

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
export const completeLesson = (id: string): Promise<void> => request('POST', `${API}/lessons/${seg(id)}/completion`);
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

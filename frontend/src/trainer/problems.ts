import { ApiError, type FieldProblem } from '../api/client';

/** The same failure with its problems' fields renamed (`audience[0]` → `audience`...). */
export function renameFields(e: unknown, rename: (p: FieldProblem) => FieldProblem): unknown {
  if (!(e instanceof ApiError) || e.problems.length === 0) return e;
  return new ApiError(e.status, e.title, e.detail, e.problems.map(rename), e.retryAfter, e.type, e.reason, e.params);
}

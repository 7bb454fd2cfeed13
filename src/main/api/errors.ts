// Errors that cross the API boundary. Anything else thrown inside the service becomes 'internal'
// with the error's message only (never its stack): the client is the user's own UI, for whom the
// reason is worth more than a generic line.
import { z } from 'zod';
import type { ApiError } from '../../shared/api';

export class ServiceError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('not-found', `${what} not found`);

export function toApiError(error: unknown): ApiError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message };
  // The search module's own error carries the same codes (matched by name: importing it here would
  // load the model code into every transport).
  if (error instanceof Error && error.name === 'SearchError') {
    const code = (error as Error & { code?: string }).code;
    if (code === 'not-found' || code === 'unavailable') return { code, message: error.message };
  }
  if (error instanceof z.ZodError) {
    const detail = error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
    return { code: 'invalid-request', message: detail };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : 'internal error' };
}

export function httpStatusFor(code: ApiError['code']): number {
  switch (code) {
    case 'invalid-request':
      return 400;
    case 'not-found':
      return 404;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

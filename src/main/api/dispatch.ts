// The one entry point both transports use: look up the method, validate the payload with its zod
// schema, call the service, and turn any failure into an ApiError. Never throws.
import { requestSchemas, type ApiError, type ApiMethod } from '../../shared/api';
import { toApiError } from './errors';
import type { ServiceHandlers } from './service';

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: ApiError };

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

export async function dispatch(service: ServiceHandlers, method: unknown, payload: unknown): Promise<DispatchResult> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'invalid-request', message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
  }
  try {
    const parsed = requestSchemas[method].parse(payload ?? {});
    const handler = service[method] as (req: unknown) => Promise<unknown>;
    return { ok: true, result: await handler.call(service, parsed) };
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') console.error(`likeness api ${method}:`, error);
    return { ok: false, error: apiError };
  }
}

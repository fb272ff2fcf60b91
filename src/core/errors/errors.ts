// Typed errors thrown by domain code; each service's faults.ts renders them in its own wire format.

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}
export class BadRequest extends ApiError { constructor(m: string) { super(400, m); } }
export class Unauthorized extends ApiError { constructor(m = 'The request you have made requires authentication.') { super(401, m); } }
export class Forbidden extends ApiError { constructor(m = 'You are not authorized to perform the requested action.') { super(403, m); } }
export class NotFound extends ApiError { constructor(m: string) { super(404, m); } }
export class MethodNotAllowed extends ApiError { constructor(m = 'The method is not allowed for the requested URL.') { super(405, m); } }
export class Conflict extends ApiError { constructor(m: string) { super(409, m); } }
export class PreconditionFailed extends ApiError { constructor(m: string) { super(412, m); } }
export class UnsupportedMediaType extends ApiError { constructor(m: string) { super(415, m); } }
export class OverLimit extends ApiError { constructor(m: string) { super(413, m); } }
export class NotImplemented extends ApiError { constructor(m = 'The action you have requested has not been implemented.') { super(501, m); } }

export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  415: 'Unsupported Media Type', 500: 'Internal Server Error', 501: 'Not Implemented',
};

/** Maps Fastify's own errors (bad JSON, schema failures, 404 routes) to our typed errors. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; validation?: unknown; message?: string; code?: string };
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.validation) return new BadRequest(`Invalid input for field/attribute ${e.message ?? ''}`.trim());
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new UnsupportedMediaType('Unsupported Content-Type');
    return new ApiError(e.statusCode, e.message ?? STATUS_TITLES[e.statusCode] ?? 'Error');
  }
  return undefined;
}

// Swift's errors: swob's status with either its default explanation (an HTML body) or a plain-text
// body of the service's own words (constraints, SLO manifests, bulk operations).
import { ApiError } from '../../../core/errors/errors.js';

export class SwiftError extends ApiError {
  /** `body`: Swift's own text (text/plain); without it, swob's default page for the status. */
  constructor(status: number, readonly body?: string, headers: Record<string, string> = {}) {
    super(status, body ?? '', headers);
  }
}

export const badRequest = (body?: string) => new SwiftError(400, body);
export const unauthorized = () => new SwiftError(401);
export const forbidden = () => new SwiftError(403);
export const notFound = () => new SwiftError(404);
export const methodNotAllowed = (allow?: string) => new SwiftError(405, undefined, allow ? { Allow: allow } : {});
export const conflict = (body?: string) => new SwiftError(409, body);
export const lengthRequired = () => new SwiftError(411, 'Missing Content-Length header.');
export const preconditionFailed = (body?: string) => new SwiftError(412, body);
export const tooLarge = (body?: string) => new SwiftError(413, body);
export const rangeNotSatisfiable = (size: number) => new SwiftError(416, undefined, { 'Content-Range': `bytes */${size}` });
export const unprocessable = (body?: string) => new SwiftError(422, body);
export const clientDisconnect = () => new SwiftError(499);
export const insufficientStorage = () => new SwiftError(507);
export const notImplemented = () => new SwiftError(501);

export const etagMismatch = () => unprocessable();
export const containerNotEmpty = () => conflict();

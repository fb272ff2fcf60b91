import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID().replace(/-/g, '');
/** Keystone's audit ids: 16 random bytes, urlsafe base64 without padding (22 characters). */
export const newAuditId = (): string => randomBytes(16).toString('base64url');
/** Keystone's timestamp format: microseconds and a Z. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

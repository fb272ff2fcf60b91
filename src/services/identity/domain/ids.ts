import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID().replace(/-/g, '');
/** Keystone's audit ids: 16 random bytes, urlsafe base64 without padding (22 characters). */
export const newAuditId = (): string => randomBytes(16).toString('base64url');

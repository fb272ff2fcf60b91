// Cinder's exceptions (cinder/exception.py) as the API shows them: the status and the message.
import { ApiError, BadRequest, Conflict, Forbidden, NotFound } from '../../../core/errors/errors.js';

export const volumeNotFound = (id: string) => new NotFound(`Volume ${id} could not be found.`);
export const snapshotNotFound = (id: string) => new NotFound(`Snapshot ${id} could not be found.`);
export const volumeTypeNotFound = (id: string) => new NotFound(`Volume type ${id} could not be found.`);
export const volumeTypeNotFoundByName = (name: string) => new NotFound(`Volume type with name ${name} could not be found.`);
export const volumeMetadataNotFound = (id: string, key: string) => new NotFound(`Volume ${id} has no metadata with key ${key}.`);
export const snapshotMetadataNotFound = (id: string, key: string) => new NotFound(`Snapshot ${id} has no metadata with key ${key}.`);
export const extraSpecNotFound = (typeId: string, key: string) => new NotFound(`Volume Type ${typeId} has no extra specs with key ${key}.`);
export const imageMetadataNotFound = (id: string, key: string) =>
  new NotFound(`Glance metadata for volume ${id} does not exist or the key ${key} does not exist.`);
export const attachmentNotFound = (id: string) => new NotFound(`Volume attachment could not be found with filter: attachment_id = ${id}.`);
export const messageNotFound = (id: string) => new NotFound(`Message ${id} could not be found.`);
export const hostNotFound = (host: string) => new NotFound(`Host ${host} could not be found.`);
export const serviceNotFound = (binary: string, host: string) => new NotFound(`Service ${binary} on host ${host} could not be found.`);
export const unknownServiceAction = () => new NotFound('Unknown action');
export const serviceHostNotFound = (host: string) => new NotFound(`Service ${host} could not be found.`);
export const defaultGroupTypeNotFound = () => new NotFound('Default group type not found.');
export const groupSpecNotFound = (typeId: string, key: string) => new NotFound(`Group Type ${typeId} has no specs with key ${key}.`);
export const transferNotFound = (id: string) => new NotFound(`Transfer ${id} could not be found.`);
export const encryptionNotFound = (typeId: string) => new NotFound(`Volume type encryption for type ${typeId} does not exist.`);
export const backupNotFound = (id: string) => new NotFound(`Backup ${id} could not be found.`);
export const invalidBackup = (reason: string) => new BadRequest(`Invalid backup: ${reason}`);
export const imageNotFound = (id: string) => new NotFound(`Image ${id} could not be found.`);
export const projectNotFound = (id: string) => new NotFound(`Project ${id} could not be found.`);
export const accessNotFound = (typeId: string, projectId: string) =>
  new NotFound(`Volume type access not found for ${typeId} / ${projectId} combination.`);

export const invalidInput = (reason: string) => new BadRequest(`Invalid input received: ${reason}`);
export const invalidVolume = (reason: string) => new BadRequest(`Invalid volume: ${reason}`);
export const invalidSnapshot = (reason: string) => new BadRequest(`Invalid snapshot: ${reason}`);
export const invalidVolumeType = (reason: string) => new BadRequest(`Invalid volume type: ${reason}`);
export const markerNotFound = (marker: string) => new NotFound(`Marker ${marker} could not be found.`);
export const invalidSortKey = (key: string) => new BadRequest(`Invalid input received: Invalid sort key ${key}`);
export const invalidFilters = (keys: string[]) => new BadRequest(`Invalid filters ${keys.join(', ')} are found in query options.`);
export const invalidStatusTransition = (what: string, status: string) =>
  new BadRequest(`Invalid input received: Invalid status ${status} for ${what}.`);

export const volumeTypeExists = (name: string) => new Conflict(`Volume Type ${name} already exists.`);
export const volumeTypeInUse = (id: string) =>
  new BadRequest(`Target volume type is still in use. Volume Type ${id} deletion is not allowed with volumes present with the type.`);
export const accessExists = (typeId: string, projectId: string) =>
  new Conflict(`Volume type access for ${typeId} / ${projectId} combination already exists.`);
export const defaultTypeUndeletable = () => new BadRequest('Default volume type can not be deleted');
export const forbidden = (message: string) => new Forbidden(message);

/** Cinder's OverQuota: 413 with a Retry-After, as the API maps VolumeSizeExceedsAvailableQuota & co. */
export class OverQuota extends ApiError {
  constructor(message: string) { super(413, message, { 'Retry-After': '0' }); }
}
export const volumeLimitExceeded = (allowed: number) => new OverQuota(`Maximum number of volumes allowed (${allowed}) exceeded for quota 'volumes'.`);
export const snapshotLimitExceeded = (allowed: number) => new OverQuota(`Maximum number of snapshots allowed (${allowed}) exceeded`);
export const gigabytesExceeded = (requested: number, consumed: number, quota: number, name = 'gigabytes') =>
  new OverQuota(`Requested volume or snapshot exceeds allowed ${name} quota. Requested ${requested}G, quota is ${quota}G and ${consumed}G has been consumed.`);
export const perVolumeSizeExceeded = (size: number, limit: number) =>
  new OverQuota(`Requested volume size ${size}G is larger than maximum allowed limit ${limit}G.`);

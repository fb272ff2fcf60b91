// Glance's messages for the errors its domain raises, as typed errors from core.
import { BadRequest, Conflict, Forbidden, NotFound, OverLimit } from '../../../core/errors/errors.js';

export const imageNotFound = (id: string) => new NotFound(`No image found with ID ${id}`);
/** A list's marker that names no image the caller may list (400, not the 404 of a show). */
export const unknownMarker = (id: string) => new BadRequest(`No image found with ID ${id}`);
export const readOnly = (attr: string) => new Forbidden(`Attribute '${attr}' is read-only.`);
export const reserved = (attr: string) => new Forbidden(`Attribute '${attr}' is reserved.`);
export const badTransition = (from: string, to: string) => new Conflict(`Image status transition from ${from} to ${to} is not allowed`);
/** Glance's LimitExceeded around oslo.limit's ProjectOverLimit (one resource: Glance checks them one at a time). */
export const overLimit = (projectId: string, resource: string, limit: number, usage: number, delta: number) =>
  new OverLimit('The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.\n\n'
    + `The response body:\nProject ${projectId} is over a limit for [Resource ${resource} is over limit of ${limit} due to current usage ${usage} and delta ${delta}]`);
export const imageTagNotFound = (tag: string) => new NotFound(`Tag ${tag} not found`);

// Members
export const membersOnlyShared = () => new Forbidden('Only shared images have members.');
export const memberNotFound = (memberId: string, imageId: string) => new NotFound(`${memberId} not found in the member list of the image ${imageId}.`);
export const memberDuplicated = (memberId: string, imageId: string) => new Conflict(`Member ${memberId} is duplicated for image ${imageId}`);

// Tasks
export const taskNotFound = (id: string) => new NotFound(`Task with the given id ${id} was not found`);
export const taskNotVisible = (id: string) => new Forbidden(`Forbidding request, task ${id} is not visible`);
/** A tasks list's marker naming no task (400). */
export const unknownTaskMarker = (id: string) => new BadRequest(`Task with the given id ${id} was not found`);

// Metadata definitions
export const schemaMismatch = (schema: string, reason: string) => new BadRequest(`Provided object does not match schema '${schema}': ${reason}`);
export const namespaceNotFound = (n: string) => new NotFound(`Metadata definition namespace=${n} was not found.`);
export const namespaceExists = (n: string) => new Conflict(`The metadata definition namespace=${n} already exists.`);
export const namespaceProtected = (n: string) => new Forbidden(`Metadata definition namespace ${n} is protected and cannot be deleted.`);
export const propertyNotFound = (name: string, n: string) => new NotFound(`The metadata definition property with name=${name} was not found in namespace=${n}.`);
export const propertyExists = (name: string, n: string) => new Conflict(`A metadata definition property with name=${name} already exists in namespace=${n}.`);
export const objectNotFound = (name: string, n: string) => new NotFound(`The metadata definition object with name=${name} was not found in namespace=${n}.`);
export const objectExists = (name: string, n: string) => new Conflict(`A metadata definition object with name=${name} already exists in namespace=${n}.`);
export const metadefTagNotFound = (name: string, n: string) => new NotFound(`The metadata definition tag with name=${name} was not found in namespace=${n}.`);
export const metadefTagExists = (name: string, n: string) =>
  new Conflict(`A metadata tag with name=${name} already exists in namespace=${n}. (Please note that metadata tag names are case insensitive).`);
export const resourceTypeNotFound = (name: string) => new NotFound(`The metadata definition resource-type with name=${name}, was not found.`);
export const associationExists = (name: string, n: string) =>
  new Conflict(`The metadata definition resource-type association of resource-type=${name} to namespace=${n} already exists.`);
export const associationNotFound = (name: string, n: string) =>
  new NotFound(`The metadata definition resource-type association of resource-type=${name} to namespace=${n}, was not found.`);
export { BadRequest, Conflict, Forbidden, NotFound, OverLimit };

// Glance's messages for the errors its domain raises, as typed errors from core.
import { BadRequest, Conflict, Forbidden, NotFound, OverLimit } from '../../../core/errors/errors.js';

export const imageNotFound = (id: string) => new NotFound(`No image found with ID ${id}`);
/** A list's marker that names no image the caller may list (400, not the 404 of a show). */
export const unknownMarker = (id: string) => new BadRequest(`No image found with ID ${id}`);
export const readOnly = (attr: string) => new Forbidden(`Attribute '${attr}' is read-only.`);
export const reserved = (attr: string) => new Forbidden(`Attribute '${attr}' is reserved.`);
export const badTransition = (from: string, to: string) => new Conflict(`Image status transition from ${from} to ${to} is not allowed`);
export const overLimit = (projectId: string, resource: string, limit: number, usage: number, delta: number) =>
  new OverLimit(`Project ${projectId} is over a limit for [Resource ${resource} is over limit of ${limit} due to current usage ${usage} and delta ${delta}]`);
export { BadRequest, Conflict, Forbidden, NotFound, OverLimit };

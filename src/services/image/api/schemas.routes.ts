// GET /v2/schemas/*: the JSON schemas Glance publishes for its documents (glance/api/v2/schemas.py).
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { IMAGE_PROPERTIES, UUID_PATTERN } from '../domain/formats.js';
// NOTE: the metadata-definition schemas Glance (Zed) publishes at /v2/schemas/metadefs/*, generated from
// glance/api/v2/metadef_*.py get_schema()/get_collection_schema() raw() output: data, kept as JSON.
import metadefSchemas from './metadef-schemas.json' with { type: 'json' };

/** Each published metadefs schema by its name (namespace, namespaces, property ...). */
const METADEF_SCHEMAS: Readonly<Record<string, unknown>> = metadefSchemas;

const imageSchema = () => ({
  name: 'image',
  properties: IMAGE_PROPERTIES,
  additionalProperties: { type: 'string' },
  links: [{ rel: 'self', href: '{self}' }, { rel: 'enclosure', href: '{file}' }, { rel: 'describedby', href: '{schema}' }],
});

const imagesSchema = () => ({
  name: 'images',
  properties: {
    images: { type: 'array', items: imageSchema() },
    first: { type: 'string' },
    next: { type: 'string' },
    schema: { type: 'string' },
  },
  links: [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }, { rel: 'describedby', href: '{schema}' }],
});

const memberSchema = () => ({
  name: 'member',
  properties: {
    member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
    image_id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
    created_at: { type: 'string', description: 'Date and time of image member creation' },
    updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
    status: { type: 'string', description: 'The status of this image member', enum: ['pending', 'accepted', 'rejected'] },
    schema: { readOnly: true, type: 'string' },
  },
});

const membersSchema = () => ({
  name: 'members',
  properties: { members: { type: 'array', items: memberSchema() }, schema: { type: 'string' } },
  links: [{ rel: 'describedby', href: '{schema}' }],
});

/** glance/api/v2/tasks.py _TASK_SCHEMA. */
const TASK_PROPERTIES: Record<string, Record<string, unknown>> = {
  id: { description: 'An identifier for the task', pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$', type: 'string' },
  type: { description: 'The type of task represented by this content', enum: ['import', 'api_image_import'], type: 'string' },
  status: { description: 'The current status of this task', enum: ['pending', 'processing', 'success', 'failure'], type: 'string' },
  input: { description: 'The parameters required by task, JSON blob', type: ['null', 'object'] },
  result: { description: 'The result of current task, JSON blob', type: ['null', 'object'] },
  owner: { description: 'An identifier for the owner of this task', type: 'string' },
  message: { description: 'Human-readable informative message only included when appropriate (usually on failure)', type: 'string' },
  image_id: { description: 'Image associated with the task', type: 'string' },
  request_id: { description: 'Human-readable informative request-id', type: 'string' },
  user_id: { description: 'User associated with the task', type: 'string' },
  expires_at: { description: 'Datetime when this resource would be subject to removal', type: ['null', 'string'] },
  created_at: { description: 'Datetime when this resource was created', type: 'string' },
  updated_at: { description: 'Datetime when this resource was updated', type: 'string' },
  self: { readOnly: true, type: 'string' },
  schema: { readOnly: true, type: 'string' },
};

const taskSchema = () => ({ name: 'task', properties: TASK_PROPERTIES, additionalProperties: false });

/** The list's items: the task without input, result and message (_get_partial_task_schema). */
const tasksSchema = () => {
  const { input: _i, result: _r, message: _m, ...partial } = TASK_PROPERTIES;
  return {
    name: 'tasks',
    properties: { tasks: { type: 'array', items: { name: 'task', properties: partial, additionalProperties: false } }, first: { type: 'string' }, next: { type: 'string' }, schema: { type: 'string' } },
    links: [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }, { rel: 'describedby', href: '{schema}' }],
  };
};

export function schemaRoutes(): RouteSpec[] {
  return [
    { method: 'GET', url: '/v2/schemas/image', handler: imageSchema },
    { method: 'GET', url: '/v2/schemas/images', handler: imagesSchema },
    { method: 'GET', url: '/v2/schemas/member', handler: memberSchema },
    { method: 'GET', url: '/v2/schemas/members', handler: membersSchema },
    { method: 'GET', url: '/v2/schemas/task', handler: taskSchema },
    { method: 'GET', url: '/v2/schemas/tasks', handler: tasksSchema },
    ...Object.keys(METADEF_SCHEMAS).map((name): RouteSpec => ({ method: 'GET', url: `/v2/schemas/metadefs/${name}`, handler: () => METADEF_SCHEMAS[name] })),
  ];
}

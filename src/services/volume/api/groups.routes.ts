// Generic volume groups: /group_types (3.11), /groups (3.13), /group_snapshots (3.14), their
// specs, updates, actions and creation from a source (3.14).
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { isTrue } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { GroupRecord, GroupSnapshotRecord, GroupTypeRecord } from '../store/tables.js';
import { AnyQuery, caller, IdParams, KeyParams, ProjectParams, requireVersion } from './common.js';
import { groupSnapshotView, groupTypeView, groupView } from './views.js';
import { actionArgs, ActionBody, Bool, boolOf, Description, Name, NullableString } from './schemas.js';
import { defaultGroupTypeNotFound, groupSpecNotFound } from '../domain/errors.js';

const Specs = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }));
const GroupTypeCreate = Type.Object({ group_type: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), description: Type.Optional(Description), is_public: Type.Optional(Bool), group_specs: Type.Optional(Specs) }, { additionalProperties: false }) }, { additionalProperties: false });
const GroupTypeUpdate = Type.Object({ group_type: Type.Object({ name: Type.Optional(NullableString({ minLength: 1, maxLength: 255 })), description: Type.Optional(Description), is_public: Type.Optional(Bool) }, { additionalProperties: false }) }, { additionalProperties: false });
const SpecsBody = Type.Object({ group_specs: Specs }, { additionalProperties: false });
const SpecItem = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }), { minProperties: 1, maxProperties: 1 });
const GroupCreate = Type.Object({ group: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), group_type: Type.String(), volume_types: Type.Array(Type.String(), { minItems: 1 }), availability_zone: Type.Optional(NullableString()) }, { additionalProperties: false }) }, { additionalProperties: false });
const GroupUpdate = Type.Object({ group: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), add_volumes: Type.Optional(NullableString()), remove_volumes: Type.Optional(NullableString()) }, { additionalProperties: false, minProperties: 1 }) }, { additionalProperties: false });
const FromSource = Type.Object({ 'create-from-src': Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), group_snapshot_id: Type.Optional(NullableString()), source_group_id: Type.Optional(NullableString()) }, { additionalProperties: false }) }, { additionalProperties: false });
const GroupSnapshotCreate = Type.Object({ group_snapshot: Type.Object({ group_id: Type.String(), name: Type.Optional(Name), description: Type.Optional(Description) }, { additionalProperties: false }) }, { additionalProperties: false });

export function groupRoutes(d: VolumeDomain): RouteSpec[] {
  const gate = requireVersion;
  const admin = (req: ApiRequest, rule: string) => { const c = caller(req); req.ctx.authorize(rule, { project_id: c.projectId }); return c; };
  return [
    // ---- group types
    route({ method: 'GET', url: '/v3/:project_id/group_types', schema: { params: ProjectParams, querystring: AnyQuery }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types:get_all');
      const raw = (req.query.is_public as string | undefined)?.toLowerCase();
      const isPublic = raw === undefined ? true : raw === 'none' || raw === 'all' ? null : boolOf(raw);
      const desc = /:desc$/i.test((req.query.sort as string | undefined) ?? '') || (req.query.sort_dir as string | undefined)?.toLowerCase() === 'desc';
      return { group_types: (await d.groups.listTypes(c, isPublic, desc)).map((g) => groupTypeView(req, g)) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_types/default', schema: { params: ProjectParams }, handler: async (req) => {
      gate(req, '3.11'); caller(req);
      throw defaultGroupTypeNotFound();
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_types/:id', schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types:get');
      return { group_type: groupTypeView(req, await d.groups.getType(c, req.params.id)) };
    } }),
    route({ method: 'POST', url: '/v3/:project_id/group_types', status: 202, schema: { params: ProjectParams, body: GroupTypeCreate }, handler: async (req) => {
      gate(req, '3.11'); admin(req, 'group:group_types:create');
      const b = req.body.group_type;
      const g = await d.groups.createType(b.name.trim(), b.description ?? null, b.is_public === undefined ? true : boolOf(b.is_public), b.group_specs ?? {});
      return { group_type: groupTypeView(req, g) };
    } }),
    route({ method: 'PUT', url: '/v3/:project_id/group_types/:id', schema: { params: IdParams, body: GroupTypeUpdate }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types:update');
      const b = req.body.group_type;
      if (b.name === null) throw new BadRequest('Invalid input received: The value of name can not be empty or null.');
      const g = await d.groups.updateType(c, req.params.id, { name: b.name?.trim(), description: b.description, is_public: b.is_public === undefined ? undefined : boolOf(b.is_public) });
      return { group_type: groupTypeView(req, g) };
    } }),
    route({ method: 'DELETE', url: '/v3/:project_id/group_types/:id', status: 202, schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types:delete'); await d.groups.deleteType(c, req.params.id); return undefined;
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_types/:id/group_specs', schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types_specs:get_all');
      return { group_specs: (await d.groups.getType(c, req.params.id)).group_specs };
    } }),
    route({ method: 'POST', url: '/v3/:project_id/group_types/:id/group_specs', status: 202, schema: { params: IdParams, body: SpecsBody }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types_specs:create');
      return { group_specs: await d.groups.setSpecs(c, req.params.id, req.body.group_specs) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_types/:id/group_specs/:key', schema: { params: KeyParams }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types_specs:get');
      const specs = (await d.groups.getType(c, req.params.id)).group_specs;
      if (!(req.params.key in specs)) throw groupSpecNotFound(req.params.id, req.params.key);
      return { [req.params.key]: specs[req.params.key] };
    } }),
    route({ method: 'PUT', url: '/v3/:project_id/group_types/:id/group_specs/:key', schema: { params: KeyParams, body: SpecItem }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types_specs:update');
      if (!(req.params.key in req.body)) throw new BadRequest('Request body and URI mismatch');
      await d.groups.setSpecs(c, req.params.id, req.body);
      return req.body;
    } }),
    route({ method: 'DELETE', url: '/v3/:project_id/group_types/:id/group_specs/:key', status: 202, schema: { params: KeyParams }, handler: async (req) => {
      gate(req, '3.11'); const c = admin(req, 'group:group_types_specs:delete'); await d.groups.deleteSpec(c, req.params.id, req.params.key); return undefined;
    } }),
    // ---- groups
    route({ method: 'GET', url: '/v3/:project_id/groups', schema: { params: ProjectParams, querystring: AnyQuery }, handler: async (req) => {
      gate(req, '3.13'); const c = admin(req, 'group:get_all');
      return { groups: (await d.groups.list(c, isTrue(req.query.all_tenants as string | undefined))).map((g) => ({ id: g.id, name: g.name ?? '' })) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/groups/detail', schema: { params: ProjectParams, querystring: AnyQuery }, handler: async (req) => {
      gate(req, '3.13'); const c = admin(req, 'group:get_all');
      return { groups: await Promise.all((await d.groups.list(c, isTrue(req.query.all_tenants as string | undefined))).map((g) => groupView(req, d, g))) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/groups/:id', schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.13'); const c = admin(req, 'group:get');
      return { group: await groupView(req, d, await d.groups.get(c, req.params.id)) };
    } }),
    route({ method: 'POST', url: '/v3/:project_id/groups', status: 202, schema: { params: ProjectParams, body: GroupCreate }, handler: async (req) => {
      gate(req, '3.13'); const c = admin(req, 'group:create');
      const g = await d.groups.create(c, req.body.group);
      return { group: { id: g.id, name: g.name ?? '' } };
    } }),
    route({ method: 'PUT', url: '/v3/:project_id/groups/:id', status: 202, schema: { params: IdParams, body: GroupUpdate }, handler: async (req) => {
      gate(req, '3.13'); const c = admin(req, 'group:update'); await d.groups.update(c, req.params.id, req.body.group); return undefined;
    } }),
    route({ method: 'POST', url: '/v3/:project_id/groups/action', status: 202, schema: { params: ProjectParams, body: FromSource }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:create');
      const g = await d.groups.createFromSource(c, req.body['create-from-src']);
      return { group: { id: g.id, name: g.name ?? '' } };
    } }),
    route({ method: 'POST', url: '/v3/:project_id/groups/:id/action', status: 202, schema: { params: IdParams, body: ActionBody }, handler: async (req) => {
      gate(req, '3.13'); const c = caller(req);
      const [name, args] = Object.entries(req.body)[0]!;
      if (name === 'delete') {
        const a = actionArgs(name, args ?? {}, { 'delete-volumes': 'bool' });
        req.ctx.authorize('group:delete', { project_id: c.projectId });
        await d.groups.delete(c, req.params.id, a['delete-volumes'] === undefined ? false : boolOf(a['delete-volumes'] as string));
      } else if (name === 'reset_status') {
        gate(req, '3.20');
        const a = actionArgs(name, args, { status: 'string' }, ['status']);
        req.ctx.authorize('group:reset_status', { project_id: c.projectId });
        await d.groups.resetStatus(c, req.params.id, a.status as string);
      } else throw new BadRequest(`There is no such action: ${name}`);
      return undefined;
    } }),
    // ---- group snapshots
    route({ method: 'GET', url: '/v3/:project_id/group_snapshots', schema: { params: ProjectParams, querystring: AnyQuery }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:get_all_group_snapshots');
      return { group_snapshots: (await d.groups.listSnapshots(c, isTrue(req.query.all_tenants as string | undefined))).map((s) => ({ id: s.id, name: s.name ?? '' })) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_snapshots/detail', schema: { params: ProjectParams, querystring: AnyQuery }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:get_all_group_snapshots');
      return { group_snapshots: (await d.groups.listSnapshots(c, isTrue(req.query.all_tenants as string | undefined))).map(groupSnapshotView) };
    } }),
    route({ method: 'GET', url: '/v3/:project_id/group_snapshots/:id', schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:get_group_snapshot');
      return { group_snapshot: groupSnapshotView(await d.groups.getSnapshot(c, req.params.id)) };
    } }),
    route({ method: 'POST', url: '/v3/:project_id/group_snapshots', status: 202, schema: { params: ProjectParams, body: GroupSnapshotCreate }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:create_group_snapshot');
      const gs = await d.groups.createSnapshot(c, req.body.group_snapshot);
      return { group_snapshot: { id: gs.id, name: gs.name ?? '', group_type_id: gs.group_type_id } };
    } }),
    route({ method: 'DELETE', url: '/v3/:project_id/group_snapshots/:id', status: 202, schema: { params: IdParams }, handler: async (req) => {
      gate(req, '3.14'); const c = admin(req, 'group:delete_group_snapshot'); await d.groups.deleteSnapshot(c, req.params.id); return undefined;
    } }),
    route({ method: 'POST', url: '/v3/:project_id/group_snapshots/:id/action', status: 202, schema: { params: IdParams, body: ActionBody }, handler: async (req) => {
      gate(req, '3.19'); const c = caller(req);
      const [name, args] = Object.entries(req.body)[0]!;
      if (name !== 'reset_status') throw new BadRequest(`There is no such action: ${name}`);
      const a = actionArgs(name, args, { status: 'string' }, ['status']);
      req.ctx.authorize('group:reset_group_snapshot_status', { project_id: c.projectId });
      await d.groups.resetSnapshotStatus(c, req.params.id, a.status as string);
      return undefined;
    } }),
  ];
}

import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { delegationOf } from '../domain/credentials.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { params } from './schemas.js';
import { credentialNotFound, notAnEc2AccessKey } from '../domain/errors.js';
import { ec2View } from './views.js';

// OS-EC2: EC2-style access/secret pairs kept as credentials of type "ec2".

const UserParams = params('user_id');
const Params = params('user_id', 'credential_id');

export function ec2CredentialRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone: the credential is found by the hash of its access key (404 first), then it
  // is the policy target (its owner, not the URL's user, decides).
  const loadFor = async (ctx: RequestContext, p: { user_id: string; credential_id: string }, policy: string) => {
    const id = createHash('sha256').update(p.credential_id).digest('hex');
    const credential = await d.credentials.find(id);
    if (!credential) throw credentialNotFound(id);
    ctx.authorize(policy, { user_id: p.user_id, target: { credential } });
    await d.users.get(p.user_id);
    if (credential.type !== 'ec2') throw notAnEc2AccessKey();
    return credential;
  };
  return [
    route({
      method: 'POST', url: '/v3/users/:user_id/credentials/OS-EC2', status: 201,
      schema: { params: UserParams, body: Type.Object({ tenant_id: Type.String({ minLength: 1 }) }, { additionalProperties: true }) },
      handler: async (req) => {
        const user = await d.users.get(req.params.user_id);
        req.ctx.authorize('identity:ec2_create_credential', { user_id: user.id });
        await d.projects.get(req.body.tenant_id);
        const access = randomBytes(16).toString('hex');
        const secret = randomBytes(16).toString('hex');
        // NOTE: as Keystone: the blob names the caller's trust (null without one), and the
        // application credential or OAuth access token the caller's token came from.
        const c = await d.credentials.create({
          user_id: user.id, project_id: req.body.tenant_id, type: 'ec2', blob: JSON.stringify({ access, secret, trust_id: req.ctx.token?.trust?.id ?? null }),
        }, { ...delegationOf(req.ctx.token), trustId: undefined });
        return { credential: ec2View(req, c) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/credentials/OS-EC2', schema: { params: UserParams },
      handler: async (req) => {
        const user = await d.users.get(req.params.user_id);
        req.ctx.authorize('identity:ec2_list_credentials', { user_id: user.id });
        const list = await d.credentials.list({ user_id: user.id, type: 'ec2' });
        return { credentials: list.map((c) => ec2View(req, c)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/credentials/OS-EC2/:credential_id', schema: { params: Params },
      handler: async (req) => {
        return { credential: ec2View(req, await loadFor(req.ctx, req.params, 'identity:ec2_get_credential')) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/users/:user_id/credentials/OS-EC2/:credential_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        await d.credentials.delete((await loadFor(req.ctx, req.params, 'identity:ec2_delete_credential')).id);
      },
    }),
  ];
}

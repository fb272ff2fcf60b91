import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { tokenView } from './views.js';

// POST /v3/ec2tokens and /v3/s3tokens: what EC2 and S3 gateways call to turn a request signed
// with an EC2 credential into a token. NOTE: no token needed and no policy, as in Zed (Keystone
// 2025.2 added identity:ec2tokens_validate and s3tokens_validate for admins and services).

// NOTE: Keystone has no schema here: any object, its credentials under one of three names.
const Body = Type.Object({}, { additionalProperties: true });

export function ec2TokenRoutes(d: IdentityDomain): RouteSpec[] {
  return [
    route({
      method: 'POST', url: '/v3/ec2tokens', auth: 'none', schema: { body: Body },
      handler: async ({ body, reply }) => {
        const { id, info } = await d.ec2Tokens.ec2(body);
        reply.header('X-Subject-Token', id);
        return tokenView(info, await d.catalog.catalog());
      },
    }),
    route({
      method: 'POST', url: '/v3/s3tokens', auth: 'none', schema: { body: Body },
      handler: async ({ body }) => tokenView((await d.ec2Tokens.s3(body)).info, await d.catalog.catalog()),
    }),
  ];
}

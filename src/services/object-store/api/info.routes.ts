// Swift's discovery and health endpoints at the root of the object store: /info (the
// capabilities: constraints and the middlewares in the pipeline), /healthcheck, /crossdomain.xml.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { LIMITS } from '../domain/constraints.js';

export interface Capabilities { [middleware: string]: Record<string, unknown> }

export function infoRoutes(capabilities: () => Capabilities): RouteSpec[] {
  const info: RouteSpec['handler'] = ({ reply }) => {
    reply.header('content-type', 'application/json; charset=UTF-8');
    return JSON.stringify({ swift: { version: '2.30.1', ...LIMITS, policies: [{ name: 'Policy-0', default: true, aliases: 'Policy-0' }], strict_cors_mode: true, allow_account_management: false, account_autocreate: true }, ...capabilities() });
  };
  return [
    { method: 'GET', url: '/info', auth: 'none', handler: info },
    { method: 'HEAD', url: '/info', auth: 'none', handler: info },
    {
      method: 'GET', url: '/healthcheck', auth: 'none',
      handler: ({ reply }) => { reply.header('content-type', 'text/plain'); return 'OK'; },
    },
    {
      method: 'GET', url: '/crossdomain.xml', auth: 'none',
      handler: ({ reply }) => {
        reply.header('content-type', 'application/xml; charset=utf-8');
        return '<?xml version="1.0"?>\n<!DOCTYPE cross-domain-policy SYSTEM "http://www.adobe.com/xml/dtds/cross-domain-policy.dtd" >\n'
          + '<cross-domain-policy>\n<allow-access-from domain="*" secure="false" />\n</cross-domain-policy>';
      },
    },
  ];
}

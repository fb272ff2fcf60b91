// The web dashboard's static files (built by Vite into dist/dashboard) at /dashboard/, as DevStack's
// Apache serves Horizon: `/` redirects there, unknown paths under it get the app's index.html (its
// router draws them), hashed assets are cached for good and index.html never; assets go out as
// the build's brotli or gzip copies when the browser takes them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the built dashboard is: beside the bundle (dist/), or dist/ of the checkout under tsx. */
export function dashboardDir(): string | undefined {
  return [join(here, 'dashboard'), join(here, '..', '..', '..', 'dist', 'dashboard')].find((d) => existsSync(join(d, 'index.html')));
}

export async function serveDashboard(app: FastifyInstance, dir: string): Promise<void> {
  const { default: fastifyStatic } = await import('@fastify/static');
  const index = readFileSync(join(dir, 'index.html'));
  await app.register(fastifyStatic, {
    root: dir, prefix: '/dashboard/', wildcard: false, index: false, decorateReply: false, cacheControl: false, preCompressed: true,
    setHeaders: (res, path) => res.setHeader('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const page = async (_req: unknown, reply: { header(k: string, v: string): unknown; type(t: string): { send(b: Buffer): unknown } }) => {
    reply.header('Cache-Control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(index);
  };
  // NOTE: the router ignores trailing slashes: this is /dashboard too.
  app.get('/dashboard/', page);
  app.get('/dashboard/*', page);
  app.get('/', async (_req, reply) => reply.redirect('/dashboard/'));
}

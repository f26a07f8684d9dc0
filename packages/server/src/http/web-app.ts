import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the web app never owns: the API, its docs and the operations endpoints answer there. */
const serverPaths = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/**
 * Answers a GET for a page of the web app (a deep link such as `/r/<room>`), which only the app's
 * router knows, with the app's index.html. Null when the request is not for a page.
 */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

/**
 * Serves the built web app from `dir` at `/`: hashed assets cached for a year, index.html never
 * cached so a new build is picked up on the next load. Returns the fallback that answers deep
 * links, or null when there is no build (the server still runs; the log says how to build it).
 */
export async function serveWebApp(
  app: FastifyInstance,
  dir: string,
  warn: (message: string) => void,
): Promise<PageFallback | null> {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) {
    warn(`the web app is not built (no ${indexPath}); "npm start" builds it`);
    return null;
  }
  const index = readFileSync(indexPath);
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // One route per built file rather than a catch-all, so unknown paths keep the API's 404 shape.
    wildcard: false,
    index: false,
    dotfiles: 'deny',
    setHeaders: (res, path) => {
      const immutable = path.includes(join(dir, 'assets'));
      void res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (_request: FastifyRequest, reply: FastifyReply): FastifyReply =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  app.get('/', { schema: { hide: true } }, page);
  return (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const path = request.url.split('?', 1)[0] ?? '';
    if (serverPaths.test(path) || path.startsWith('/assets/')) return null;
    if (!(request.headers.accept ?? '').includes('text/html')) return null;
    return page(request, reply);
  };
}

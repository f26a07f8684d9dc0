import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { endpoints } from '@natter/protocol';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry, Histogram } from 'prom-client';
import type { Operations } from '../api/operation.ts';
import type { Storage } from '../ports/index.ts';
import { installErrorPresenter, present } from './error-presenter.ts';
import { installJsonBodyParser } from './json-body.ts';
import { registerOpenApi } from './openapi.ts';
import { opsRoutes } from './ops.routes.ts';
import { routeAll, type Authenticator } from './route.ts';
import { validatorCompiler } from './validator-compiler.ts';
import { serveWebApp, type PageFallback } from './web-app.ts';

/** Everything the HTTP surface needs, built by the composition root. */
export interface HttpDeps {
  /** The process logger (pino); Fastify derives a child per request. */
  logger: FastifyBaseLogger;
  storage: Storage;
  /** Every endpoint's behaviour; REST is one transport that runs them. */
  operations: Operations;
  authenticate: Authenticator;
  metrics: { registry: Registry; httpDuration: Histogram };
  publicUrl: string;
  trustProxy: string[];
  corsOrigins: string[];
  maxBodyBytes: number;
  isShuttingDown: () => boolean;
  /** Folder of the built web app served at `/`. */
  webDir: string;
}

/** Builds the Fastify app with every route; the caller decides when to listen. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Our own ids: a client-supplied X-Request-Id could forge log lines' correlation.
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: deps.trustProxy.length > 0 ? deps.trustProxy : false,
    bodyLimit: deps.maxBodyBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    // A malformed percent-escape or an over-long parameter is refused by the router itself; without
    // this, Fastify answers in its own shape, with no error code or request id.
    frameworkErrors: (error, request, reply) => {
      void present(error, request, reply);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  let pages: PageFallback | null = null;
  installErrorPresenter(app, () => pages);
  installJsonBodyParser(app);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await app.register(cors, {
    origin: deps.corsOrigins.length > 0 ? deps.corsOrigins : false,
    // Every method the API uses; the plugin's default (GET, HEAD, POST) would let an allowed web
    // app sign in but not edit a profile or end a session.
    methods: [...new Set(['GET', 'HEAD', ...Object.values(endpoints).map((e) => e.method)])],
    credentials: false,
    maxAge: 600,
  });
  await registerOpenApi(app, deps.publicUrl);

  opsRoutes(app, { storage: deps.storage, ...deps.metrics, isShuttingDown: deps.isShuttingDown });
  routeAll(app, deps.authenticate, deps.operations);
  pages = await serveWebApp(app, deps.webDir, (message) => {
    deps.logger.warn(message);
  });
  return app;
}

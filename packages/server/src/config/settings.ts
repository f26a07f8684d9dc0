import { fileURLToPath } from 'node:url';
import { baseUrl, integer, ipOrCidr, list, oneOf, origin, secret, text, url, type Parser } from './parse.ts';

/** One configurable setting: where it comes from, how it is parsed, what it means. */
export interface Setting<T> {
  /** Environment variable, also accepted in .env. */
  env: string;
  /** Command-line flag. */
  flag: string;
  /** Default as text, or a function of the other raw settings; undefined means unset. */
  default: string | ((get: (env: string) => string | undefined) => string | undefined) | undefined;
  /** Shown in the README table for defaults that are computed. */
  defaultDoc?: string;
  parse: Parser<T>;
  /** Never printed back in an error or a log. */
  secret?: boolean;
  doc: string;
}

function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** A setting with no default: its value is undefined when nobody sets it. */
function optional<T>(s: Setting<T> & { default: undefined }): Setting<T | undefined> {
  return s;
}

/** Every setting Natter reads. The README's table is generated from this list. */
export const settings = {
  host: setting({
    env: 'NATTER_HOST',
    flag: '--host',
    default: 'localhost',
    parse: text,
    doc: 'Address to listen on. `0.0.0.0` or `::` to accept connections from other machines.',
  }),
  port: setting({
    env: 'NATTER_PORT',
    flag: '--port',
    default: '8080',
    parse: integer(0, 65535),
    doc: 'TCP port for HTTP and WebSocket; 0 picks a free one.',
  }),
  listenBacklog: setting({
    env: 'NATTER_LISTEN_BACKLOG',
    flag: '--listen-backlog',
    default: '4096',
    parse: integer(1, 65535),
    doc: 'Connections the kernel holds for accept; a reconnect storm overflows a short queue into seconds of SYN retries. Capped by net.core.somaxconn.',
  }),
  dataDir: setting({
    env: 'NATTER_DATA_DIR',
    flag: '--data-dir',
    default: './data',
    parse: text,
    doc: 'Folder for the SQLite database, the generated signing key and the mail outbox.',
  }),
  webDir: setting({
    env: 'NATTER_WEB_DIR',
    flag: '--web-dir',
    default: fileURLToPath(new URL('../../../web/dist', import.meta.url)),
    defaultDoc: '`packages/web/dist`',
    parse: text,
    doc: 'Folder of the built web app, served at `/`. `npm start` builds it when it is missing or stale.',
  }),
  databaseUrl: setting({
    env: 'NATTER_DATABASE_URL',
    flag: '--database-url',
    default: (get) => `sqlite:${get('NATTER_DATA_DIR') ?? './data'}/natter.db`,
    defaultDoc: '`sqlite:<data dir>/natter.db`',
    parse: url('sqlite', 'postgres', 'postgresql'),
    secret: true,
    doc: '`sqlite:<path>` for the embedded database, or `postgres://user:pass@host:port/db`.',
  }),
  databasePoolSize: setting({
    env: 'NATTER_DATABASE_POOL_SIZE',
    flag: '--database-pool-size',
    default: '10',
    parse: integer(1, 200),
    doc: 'PostgreSQL connections per instance.',
  }),
  publicUrl: setting({
    env: 'NATTER_PUBLIC_URL',
    flag: '--public-url',
    default: (get) => `http://localhost:${get('NATTER_PORT') ?? '8080'}`,
    defaultDoc: '`http://localhost:<port>`',
    parse: baseUrl,
    doc: 'The address people use to reach Natter. Links in emails are built from it, never from the request.',
  }),
  logLevel: setting({
    env: 'NATTER_LOG_LEVEL',
    flag: '--log-level',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    doc: 'Least severe level logged.',
  }),
  logFormat: setting({
    env: 'NATTER_LOG_FORMAT',
    flag: '--log-format',
    default: 'auto',
    parse: oneOf('auto', 'json', 'pretty'),
    doc: '`json` lines, `pretty` for people, or `auto`: pretty when writing to a terminal.',
  }),
  jwtSecret: optional({
    env: 'NATTER_JWT_SECRET',
    flag: '--jwt-secret',
    default: undefined,
    parse: secret(32),
    secret: true,
    doc: 'Key that signs access tokens (32+ characters). When unset, one is generated into the data folder. Every instance of a cluster needs the same one.',
  }),
  accessTokenTtl: setting({
    env: 'NATTER_ACCESS_TOKEN_TTL',
    flag: '--access-token-ttl',
    default: '600',
    parse: integer(30, 900),
    doc: 'Access-token lifetime in seconds (at most 15 minutes).',
  }),
  sessionIdleDays: setting({
    env: 'NATTER_SESSION_IDLE_DAYS',
    flag: '--session-idle-days',
    default: '30',
    parse: integer(1, 365),
    doc: 'A session whose refresh token is unused this many days ends.',
  }),
  registration: setting({
    env: 'NATTER_REGISTRATION',
    flag: '--registration',
    default: 'open',
    parse: oneOf('open', 'closed'),
    doc: '`closed` refuses new accounts; admins still create them with `natter admin create-user`.',
  }),
  smtpUrl: optional({
    env: 'NATTER_SMTP_URL',
    flag: '--smtp-url',
    default: undefined,
    parse: url('smtp', 'smtps'),
    secret: true,
    doc: 'Mail server, `smtp://user:pass@host:587` or `smtps://…:465`. Unset: mail is written to `<data dir>/outbox/` and logged.',
  }),
  mailFrom: setting({
    env: 'NATTER_MAIL_FROM',
    flag: '--mail-from',
    default: 'Natter <natter@localhost>',
    parse: text,
    doc: 'Sender of Natter’s emails.',
  }),
  trustProxy: setting({
    env: 'NATTER_TRUST_PROXY',
    flag: '--trust-proxy',
    default: '',
    parse: list(ipOrCidr),
    doc: 'Comma-separated proxy addresses or CIDR ranges whose `X-Forwarded-For` is believed. Empty: none.',
  }),
  corsOrigins: setting({
    env: 'NATTER_CORS_ORIGINS',
    flag: '--cors-origins',
    default: '',
    parse: list(origin),
    doc: 'Comma-separated origins allowed to call the API from other sites. Empty: cross-origin calls refused.',
  }),
  maxBodyBytes: setting({
    env: 'NATTER_MAX_BODY_BYTES',
    flag: '--max-body-bytes',
    default: '65536',
    parse: integer(1024, 16 * 1024 * 1024),
    doc: 'Largest JSON request body accepted, in bytes.',
  }),
  messageMaxBytes: setting({
    env: 'NATTER_MESSAGE_MAX_BYTES',
    flag: '--message-max-bytes',
    default: '16384',
    parse: integer(256, 65536),
    doc: 'Longest message text, in bytes of UTF-8.',
  }),
  groupMemberCap: setting({
    env: 'NATTER_GROUP_MEMBER_CAP',
    flag: '--group-member-cap',
    default: '1000',
    parse: integer(2, 100_000),
    doc: 'Most members a group may have.',
  }),
  channelMemberCap: setting({
    env: 'NATTER_CHANNEL_MEMBER_CAP',
    flag: '--channel-member-cap',
    default: '100000',
    parse: integer(2, 1_000_000),
    doc: 'Most members a channel may have.',
  }),
  syncLimit: setting({
    env: 'NATTER_SYNC_LIMIT',
    flag: '--sync-limit',
    default: '100',
    parse: integer(1, 100),
    doc: 'Most events one sync answers per room (and for the user stream); past it the room is marked limited.',
  }),
  wsMaxFrameBytes: setting({
    env: 'NATTER_WS_MAX_FRAME_BYTES',
    flag: '--ws-max-frame-bytes',
    default: '65536',
    parse: integer(1024, 1_048_576),
    doc: 'Largest WebSocket frame a client may send.',
  }),
  wsFramesPerSecond: setting({
    env: 'NATTER_WS_FRAMES_PER_SECOND',
    flag: '--ws-frames-per-second',
    default: '20',
    parse: integer(1, 10_000),
    doc: 'Frames per second a connection may send (bursts of twice that).',
  }),
  wsMaxConnectionsPerUser: setting({
    env: 'NATTER_WS_MAX_CONNECTIONS_PER_USER',
    flag: '--ws-max-connections-per-user',
    default: '20',
    parse: integer(1, 1000),
    doc: 'Open WebSocket connections per user.',
  }),
  wsHeartbeatSeconds: setting({
    env: 'NATTER_WS_HEARTBEAT_SECONDS',
    flag: '--ws-heartbeat-seconds',
    default: '30',
    parse: integer(1, 600),
    doc: 'Ping interval; a connection silent for two intervals is closed (the client resumes).',
  }),
  wsSoftBufferBytes: setting({
    env: 'NATTER_WS_SOFT_BUFFER_BYTES',
    flag: '--ws-soft-buffer-bytes',
    default: '262144',
    parse: integer(4096, 1 << 30),
    doc: "Bytes a connection's socket has not yet sent above which typing and presence are dropped for it.",
  }),
  wsHardBufferBytes: setting({
    env: 'NATTER_WS_HARD_BUFFER_BYTES',
    flag: '--ws-hard-buffer-bytes',
    default: '4194304',
    parse: integer(8192, 1 << 30),
    doc: 'Outbound bytes queued above which a connection is closed; the client resumes from its cursor.',
  }),
  fanoutSlice: setting({
    env: 'NATTER_FANOUT_SLICE',
    flag: '--fanout-slice',
    default: '2000',
    parse: integer(10, 1_000_000),
    doc: 'Recipients served per event-loop turn when fanning out to a large room.',
  }),
  shutdownTimeout: setting({
    env: 'NATTER_SHUTDOWN_TIMEOUT',
    flag: '--shutdown-timeout',
    default: '10',
    parse: integer(1, 300),
    doc: 'Seconds to finish in-flight requests after SIGTERM before exiting anyway.',
  }),
} as const;

/** Setting names. */
export type SettingName = keyof typeof settings;

import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';

/** Fields that may hold credentials. pino replaces them before a line is written. */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.jwtSecret',
  '*.databaseUrl',
  '*.smtpUrl',
];

/** Creates the process logger: JSON lines, or coloured lines when a person is watching. */
export function createLogger(options: { level: string; format: 'auto' | 'json' | 'pretty' }): PinoLogger {
  const config: LoggerOptions = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY);
  if (!pretty) return pino(config);
  return pino(
    config,
    pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
}

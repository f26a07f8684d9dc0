export * from './errors.ts';
export * from './limits.ts';
export * from './api.ts';
export * from './schemas/common.ts';
export * from './schemas/auth.ts';
export * from './schemas/users.ts';

/** REST and realtime protocol version this package describes. */
export const protocolVersion = 1;

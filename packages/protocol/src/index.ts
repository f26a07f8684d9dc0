export * from './errors.ts';
export * from './limits.ts';
export * from './api.ts';
export * from './api-chat.ts';
export * from './schemas/common.ts';
export * from './schemas/auth.ts';
export * from './schemas/users.ts';
export * from './schemas/rooms.ts';
export * from './schemas/messages.ts';
export * from './schemas/people.ts';
export * from './schemas/events.ts';
export * from './realtime.ts';

/** REST and realtime protocol version this package describes. */
export const protocolVersion = 1;

import { AuthFrameBody, ClientFrame, PresenceWatchBody, SyncRequest } from '@natter/protocol';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError } from '../modules/app-error.ts';
import { toProblems } from '../api/validation.ts';

// ajv-formats ships CommonJS whose default export TypeScript sees one level deep.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// The same rules as REST bodies: unknown fields are errors, and "1" is not 1.
const ajv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: true, strict: false });
addFormats(ajv);

/** Checks the envelope of every client frame: {id, op, input?}. */
export const isClientFrame: ValidateFunction<ClientFrame> = ajv.compile<ClientFrame>(ClientFrame);

const bodyValidators = {
  auth: ajv.compile<AuthFrameBody>(AuthFrameBody),
  'presence.watch': ajv.compile<PresenceWatchBody>(PresenceWatchBody),
  sync: ajv.compile<SyncRequest>(SyncRequest),
};

/** The body type each realtime op takes. */
export interface RealtimeBodies {
  auth: AuthFrameBody;
  'presence.watch': PresenceWatchBody;
  sync: SyncRequest;
}

/** Validates a realtime op's body; throws validation_failed naming each problem, as REST does. */
export function parseBody<K extends keyof RealtimeBodies>(op: K, input: ClientFrame['input']): RealtimeBodies[K] {
  const validate = bodyValidators[op] as ValidateFunction<RealtimeBodies[K]>;
  const body = input?.body;
  if (validate(body)) return body;
  throw new AppError('validation_failed', 'The request body is not valid.', {
    problems: toProblems('body', validate.errors ?? []),
  });
}

/** Problems with a frame's envelope, for the error frame's details. */
export function envelopeProblems(): ReturnType<typeof toProblems> {
  return toProblems('frame', isClientFrame.errors ?? []);
}

/** The frame's id when it has a usable one, so even a malformed frame's error can be matched. */
export function frameIdOf(value: unknown): string | number | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = value.id;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  return null;
}

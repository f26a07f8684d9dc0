import { Type, type Static, type TProperties, type TObject } from 'typebox';
import { limits } from '../limits.ts';

/** A closed object: unknown fields are refused, never silently dropped. */
export function Closed<P extends TProperties>(
  properties: P,
  options: { description?: string; $id?: string } = {},
): TObject<P> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** Opaque identifier chosen by the server (UUIDv7 text). */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** A moment as an ISO-8601 UTC timestamp. */
export const Timestamp = Type.String({ format: 'date-time' });

/** Lower-case handle, unique per server. */
export const Username = Type.String({
  minLength: limits.usernameMin,
  maxLength: limits.usernameMax,
  pattern: '^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$',
  description: 'Lower-case letters, digits, ".", "-" and "_", starting and ending with a letter or digit.',
});

/** An email address, compared case-insensitively. */
export const Email = Type.String({ format: 'email', maxLength: limits.emailMax });

/** A password in Unicode code points; no composition rules. */
export const Password = Type.String({ minLength: limits.passwordMin, maxLength: limits.passwordMax });

// No C0/C1 control characters or line breaks in single-line names.
const singleLine = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

/** A person's shown name. */
export const DisplayName = Type.String({ minLength: 1, maxLength: limits.displayNameMax, pattern: singleLine });

/** Free text about a person; line breaks allowed. */
export const Bio = Type.String({ maxLength: limits.bioMax });

/** A label the user gives a device ("Firefox on laptop"). */
export const DeviceLabel = Type.String({ minLength: 1, maxLength: limits.deviceLabelMax, pattern: singleLine });

/** Account role. */
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('user')]);
export type Role = Static<typeof Role>;

/** The body of every error response. */
export const ErrorBody = Closed(
  {
    error: Closed({
      code: Type.String({ description: 'Stable snake_case code; see the error code table.' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
      requestId: Type.String(),
    }),
  },
  { description: 'Every failed request answers with this shape.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Details carried by throttling errors. */
export const RetryDetails = Closed({ retryAfterSeconds: Type.Integer({ minimum: 1 }) });
export type RetryDetails = Static<typeof RetryDetails>;

/**
 * Structured logging, shaped like pino's call signature so a pino logger is passed in as it is.
 * Always an object first (the fields), then an optional message: no string-only calls, so every
 * line stays machine-readable.
 */
export interface Logger {
  /** Normal operation worth recording. */
  info(obj: object, msg?: string): void;
  /** Something went wrong but the process carries on as intended. */
  warn(obj: object, msg?: string): void;
  /** An operation failed; put the Error under `err` so pino serialises its stack. */
  error(obj: object, msg?: string): void;
  /** Detail for diagnosing a problem; off in production. */
  debug(obj: object, msg?: string): void;
  /** A logger whose every line carries `bindings` (module name, request or connection id). */
  child(bindings: object): Logger;
}

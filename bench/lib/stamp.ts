/**
 * Latency stamps. Publishers and receivers run in different processes, so they need one clock:
 * `process.hrtime` reads CLOCK_MONOTONIC, which every process on the machine shares, in
 * nanoseconds; stamps are whole microseconds. A message carries the time it was *meant* to be sent
 * (open loop), not when the publisher got round to it, so a stalled publisher shows up as latency
 * instead of hiding it (coordinated omission).
 */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

const tilde = 0x7e;
const dot = 0x2e;

/** The marker a message body carries: `~<publisher>.<seq>.<intended send time>~`, in base 36. */
export function marker(publisher: number, seq: number, intendedMicros: number): string {
  return `~${publisher.toString(36)}.${seq.toString(36)}.${intendedMicros.toString(36)}~`;
}

/** A message body of exactly `bytes` ASCII bytes that starts with the marker. */
export function messageBody(mark: string, bytes: number): string {
  return mark.length >= bytes ? mark : mark + 'x'.repeat(bytes - mark.length);
}

/** A decoded marker; one instance is reused by the reader so that sinks do not allocate. */
export interface Stamp {
  publisher: number;
  seq: number;
  intendedMicros: number;
}

function digit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x7a) return byte - 0x61 + 10;
  return -1;
}

/**
 * Finds the first marker in `buffer[start, end)` and decodes it into `into`; false when there is
 * none. Works on the raw frame payload whatever wraps the body (Natter's event JSON, Socket.IO's
 * packet, or nothing), because the marker's characters need no escaping in any of them.
 */
export function readStamp(buffer: Buffer, start: number, end: number, into: Stamp): boolean {
  const at = buffer.indexOf(tilde, start);
  if (at < 0 || at >= end) return false;
  const fields = [0, 0, 0];
  let field = 0;
  let digits = 0;
  for (let i = at + 1; i < end; i++) {
    const byte = buffer[i] ?? 0;
    if (byte === tilde) {
      if (field !== 2 || digits === 0) return false;
      into.publisher = fields[0] ?? 0;
      into.seq = fields[1] ?? 0;
      into.intendedMicros = fields[2] ?? 0;
      return true;
    }
    if (byte === dot) {
      if (digits === 0 || field === 2) return false;
      field++;
      digits = 0;
      continue;
    }
    const d = digit(byte);
    if (d < 0) return false;
    fields[field] = (fields[field] ?? 0) * 36 + d;
    digits++;
  }
  return false;
}

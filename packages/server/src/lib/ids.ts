import { randomFillSync } from 'node:crypto';

// Random bytes are drawn from a pool refilled 4 KiB at a time, as randomUUID does: one call into
// the CSPRNG per 256 ids instead of two per id (it showed in the send path's profile).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** `n` fresh random bytes, owned by the caller until the pool is refilled. */
function randomSlice(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return slice;
}

let lastMs = 0;
let seq = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds then random bits, so ids sort by creation time,
 * which keeps B-tree inserts at the right edge and lets lists page by id. Within one millisecond a
 * 12-bit counter keeps ids from one process increasing.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1; // counter wrapped: borrow the next millisecond
    now = lastMs;
  } else {
    lastMs = now;
    seq = randomSlice(2).readUInt16BE(0) & 0x3ff; // random start leaves room to count up
  }
  const bytes = randomSlice(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (seq >> 8);
  bytes[7] = seq & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

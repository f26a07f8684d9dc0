import type { Write, WriteResult } from '../../ports/event-log.ts';
import { storedEvent } from '../log-writes.ts';

/**
 * One write's result as the writer thread sends it back. A write that stored its events answers
 * with their seqs only: the main thread built those events and still has them, so it rebuilds the
 * stored events itself (`expandAnswers`) instead of receiving a structured clone of each one. The
 * clones (every message's data, body and all) were the largest thing the main thread allocated per
 * send that lived long enough for the young generation to keep. A duplicate, whose events come
 * from the database, and a failure travel whole.
 */
export type CommitAnswer = { seqs: number[] } | WriteResult;

/** The writer thread's side: `results` answer `writes`, in order. */
export function compactAnswers(results: readonly WriteResult[]): CommitAnswer[] {
  return results.map((result) =>
    result.ok && !result.duplicate ? { seqs: result.events.map((event) => event.seq) } : result,
  );
}

/**
 * The main thread's side: the results the writer thread's log answered for `writes`. A stored event
 * is what the log stores for it (see SqliteEventLog): its write's time, and, for a field that takes
 * the room seq, the seq of the write's one room event.
 */
export function expandAnswers(writes: readonly Write[], answers: readonly CommitAnswer[]): WriteResult[] {
  return answers.map((answer, i) => {
    if (!('seqs' in answer)) return answer;
    const write = writes[i];
    if (write === undefined || write.events.length !== answer.seqs.length) {
      throw new Error('the writer thread answered for other writes than those sent');
    }
    const roomIndex = write.events.findIndex((event) => 'room' in event.stream);
    const roomSeq = roomIndex < 0 ? undefined : answer.seqs[roomIndex];
    const events = write.events.map((event, k) => storedEvent(event, answer.seqs[k] ?? 0, write.at, roomSeq));
    return { ok: true, events, duplicate: false };
  });
}

import type { ConnSpec, Target } from './plan.ts';

/** A publisher's final count, so receivers can tell a lost message from one never sent. */
export interface PublisherTally {
  publisher: number;
  room: string;
  /** Last seq it published. */
  last: number;
  /** Seqs the system refused or never answered: not expected anywhere. */
  refused: number[];
}

/** What the orchestrator asks of a load process. */
export type GeneratorRequest =
  | { cmd: 'init'; target: Target; runTag: string }
  | { cmd: 'open'; specs: ConnSpec[]; concurrency: number; timeoutMs: number }
  | { cmd: 'reset' }
  | { cmd: 'snapshot' }
  | { cmd: 'publish'; rate: number; durationMs: number; bytes: number }
  | { cmd: 'tallies' }
  | { cmd: 'finalize'; tallies: PublisherTally[] }
  | { cmd: 'stall'; ids: number[] }
  | { cmd: 'exclude'; ids: number[] }
  | { cmd: 'reconnect'; ids: number[]; spreadMs: number; timeoutMs: number }
  | { cmd: 'readyCount' }
  | { cmd: 'unanswered' }
  | { cmd: 'closeAll' };

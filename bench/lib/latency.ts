import * as hdr from 'hdr-histogram-js';

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Latencies in microseconds, kept in an HDR histogram (3 significant digits, any range), so a
 * load process records millions of samples in constant memory and ships them to the orchestrator
 * as one compressed string, where they are merged exactly.
 */
export class LatencyRecorder {
  readonly histogram: hdr.Histogram;

  constructor() {
    this.histogram = hdr.build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3 });
  }

  /** Records one latency; negative values (a clock read before the stamp) count as 0. */
  record(micros: number): void {
    this.histogram.recordValue(micros > 0 ? Math.round(micros) : 0);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  reset(): void {
    this.histogram.reset();
  }

  /** The histogram as a string for IPC or a results file. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  /** Adds an encoded histogram (from another process) into this one. */
  addEncoded(encoded: string): void {
    const other = hdr.decodeFromCompressedBase64(encoded, 32, false);
    this.histogram.add(other);
    other.destroy();
  }

  /** The percentile (0–100) in microseconds. */
  percentileMicros(percentile: number): number {
    return this.histogram.getValueAtPercentile(percentile);
  }

  summary(): LatencySummary {
    const ms = (micros: number) => Math.round(micros / 10) / 100;
    const h = this.histogram;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
    };
  }
}

/** Merges encoded histograms into one summary. */
export function mergeLatencies(encoded: readonly string[]): LatencySummary {
  const recorder = new LatencyRecorder();
  for (const e of encoded) recorder.addEncoded(e);
  return recorder.summary();
}

// Progress of a long operation: done/total, a smoothed rate and an ETA, and cancellation.
// Every long operation in the core takes a ProgressSink and an AbortSignal.

export interface Progress {
  done: number;
  total: number;
  /** Items per second (exponentially smoothed), null until measurable. */
  rate: number | null;
  etaSeconds: number | null;
  message: string;
}

export type ProgressSink = (progress: Progress) => void;

/** Tracks rate and ETA; call `update` as work is done, it forwards at most every `intervalMs`. */
export class ProgressTracker {
  private started = performance.now();
  private lastEmit = 0;
  private lastDone = 0;
  private lastTime = this.started;
  private rate: number | null = null;
  done = 0;

  constructor(
    private readonly sink: ProgressSink,
    public total: number,
    private readonly intervalMs = 250,
  ) {}

  update(done: number, message = '', force = false): void {
    this.done = done;
    const now = performance.now();
    const dt = (now - this.lastTime) / 1000;
    if (dt >= 0.5) {
      const instant = (done - this.lastDone) / dt;
      this.rate = this.rate === null ? instant : 0.7 * this.rate + 0.3 * instant;
      this.lastDone = done;
      this.lastTime = now;
    }
    if (force || now - this.lastEmit >= this.intervalMs || done >= this.total) {
      this.lastEmit = now;
      this.sink(this.snapshot(message));
    }
  }

  /** Average rate since the start, for summaries. */
  averageRate(): number {
    const seconds = (performance.now() - this.started) / 1000;
    return seconds > 0 ? this.done / seconds : 0;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  snapshot(message = ''): Progress {
    const rate = this.rate ?? (this.elapsedSeconds() > 0.5 ? this.averageRate() : null);
    const remaining = Math.max(0, this.total - this.done);
    return {
      done: this.done,
      total: this.total,
      rate,
      etaSeconds: rate && rate > 0 ? remaining / rate : null,
      message,
    };
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

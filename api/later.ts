/**
 * Follow-up writes that must not hold back a fault answer: the audit row of a request answered
 * 503, the release of its Idempotency-Key. A 503 goes out as soon as the failing dependency is
 * known; these writes are tried at once in the background and, while the database does not
 * answer, again every `retryMs` until they are written (each is idempotent or written once), so
 * none is lost while the process runs. `flush` on shutdown gives the queue one last try.
 */
export interface Later {
  /** Queues a write; it is tried at once and retried until it succeeds. */
  add(what: string, write: () => Promise<unknown>): void;
  /** Writes still waiting. */
  pending(): number;
  /** One last try of every waiting write (bounded by `ms`); stops the retries. */
  flush(ms: number): Promise<void>;
}

export function laterWrites(opts: {
  retryMs: number;
  max: number;
  /** Whether a failure means "the database does not answer yet" (try again) rather than "never" (drop it). */
  retryable: (err: unknown) => boolean;
  warn: (msg: string, what: string) => void;
}): Later {
  const queue: { what: string; write: () => Promise<unknown> }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;

  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length) {
        try {
          await queue[0]!.write();
          queue.shift();
        } catch (err) {
          if (opts.retryable(err)) break; // the database still does not answer: the rest waits for the next round
          opts.warn('follow-up write refused: dropped', queue.shift()!.what);
        }
      }
    } finally {
      running = false;
    }
    if (queue.length && !stopped && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        void drain();
      }, opts.retryMs);
      timer.unref?.();
    }
  }

  return {
    add(what, write) {
      if (queue.length >= opts.max) {
        opts.warn('follow-up write queue full: dropping the oldest', queue[0]!.what);
        queue.shift();
      }
      queue.push({ what, write });
      void drain();
    },
    pending: () => queue.length,
    async flush(ms) {
      stopped = true;
      clearTimeout(timer);
      const deadline = new Promise<void>((r) => setTimeout(r, ms).unref?.());
      await Promise.race([drain(), deadline]);
      for (const w of queue) opts.warn('follow-up write not written at shutdown', w.what);
    },
  };
}

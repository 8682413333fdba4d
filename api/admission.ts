/**
 * Admission of decisions to Temporal: at most `maxInFlight` of this API process's decisions wait
 * for their case's workflow at once; the next ones queue (first come, first served) for at most
 * `waitMs`, then get 503 `dependency: capacity` with a short `Retry-After` — before their Update
 * is sent, so the answer is true: nothing changed, and the repeat with the same Idempotency-Key
 * decides it once.
 *
 * Why: without it an overload turns into 503s for nearly everyone instead of a slower rate. Every
 * decision beyond what the workers carry joins one queue, waits out its 5 s deadline and is then
 * refused at the workflow (its instant has passed), after its Update has cost the server and the
 * worker as much as one that was decided; the decisions behind it wait the longer. Bounded, the
 * queue holds what the workers decide within the wait, and the rest is told at once to come back.
 */
import { DependencyUnavailable } from './faults.js';

export interface AdmissionOptions {
  /** Decisions of this process waiting for Temporal at once (`DECISION_MAX_IN_FLIGHT`). */
  maxInFlight: number;
  /** How long a decision may queue for one of those places before 503 (ms, `DECISION_ADMISSION_WAIT_MS`). */
  waitMs: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { maxInFlight: 32, waitMs: 2_000 };

export class Admission {
  private inFlight = 0;
  private readonly queue: { admit: () => void; timer: NodeJS.Timeout }[] = [];
  /** Decisions refused since the process started. */
  refused = 0;

  constructor(readonly options: AdmissionOptions = DEFAULT_ADMISSION) {}

  /** Runs `send` once a place is free; 503 (`capacity`) when none frees within the wait. */
  async run<T>(send: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.options.maxInFlight) await this.place();
    else this.inFlight++;
    try {
      return await send();
    } finally {
      this.release();
    }
  }

  /** Waits for a place handed over by a decision that finished (the count moves with it). */
  private place(): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) this.queue.splice(at, 1);
          this.refused++;
          reject(new DependencyUnavailable('capacity'));
        }, this.options.waitMs),
      };
      this.queue.push(entry);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.admit();
    else this.inFlight--;
  }

  get waiting(): number {
    return this.queue.length;
  }
}

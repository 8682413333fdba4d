/**
 * Open-loop load: requests sent at the offered rate whether or not the earlier ones have been
 * answered (a slow server does not slow the sender down, as autocannon's connections would), each
 * latency counted from the instant it was due. Reports what was offered and what was achieved.
 */
import { quantile, sleep } from './harness.js';

export interface OpenLoopResult {
  offeredRate: number;
  sent: number;
  ok: number;
  /** 503 answers (the API's "Temporal did not answer in time"). */
  unavailable: number;
  /** Other non-2xx answers, failures and timeouts. */
  errors: number;
  /** 2xx answers per second over the window (from the first send to the last answer). */
  achievedRate: number;
  p50: number;
  p99: number;
}

/** Sends `rate` operations a second for `seconds`; `op` resolves to an HTTP status (or 0 for a failure). */
export async function openLoop(rate: number, seconds: number, op: (i: number) => Promise<number>): Promise<OpenLoopResult> {
  const n = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const t0 = performance.now();
  const lat: number[] = [];
  let ok = 0;
  let unavailable = 0;
  let errors = 0;
  let lastDone = t0;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(
      op(i)
        .catch(() => 0)
        .then((status) => {
          const now = performance.now();
          lastDone = Math.max(lastDone, now);
          if (status >= 200 && status < 300) {
            ok++;
            lat.push(now - due);
          } else if (status === 503) unavailable++;
          else errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  const window = Math.max(seconds * 1000, lastDone - t0) / 1000;
  return { offeredRate: rate, sent: n, ok, unavailable, errors, achievedRate: ok / window, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

/** An HTTP request as an open-loop operation (a 10 s client timeout counts as a failure). */
export function httpOp(base: string, request: (i: number) => { method: string; path: string; token?: string; body?: unknown; headers?: Record<string, string> }, timeoutMs = 10_000) {
  return async (i: number): Promise<number> => {
    const r = request(i);
    const res = await fetch(base + r.path, {
      method: r.method,
      headers: { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
      ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  };
}

/** One line: offered and achieved rate, 503s, p50/p99. */
export const openLoopLine = (r: OpenLoopResult) =>
  `offered ${r.offeredRate}/s, achieved ${r.achievedRate.toFixed(1)}/s; ${r.ok}/${r.sent} ok, 503 ${((100 * r.unavailable) / r.sent).toFixed(0)} %, other errors ${r.errors}; p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`;

/**
 * A small seeded generator (mulberry32) for the property tests, so that a failing sequence can be
 * replayed from its seed.
 */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  /** A whole number in [0, n). */
  const int = (n: number) => Math.floor(next() * n);
  /** A whole number in [lo, hi]. */
  const between = (lo: number, hi: number) => lo + int(hi - lo + 1);
  return { next, int, between, pick: <T>(xs: readonly T[]) => xs[int(xs.length)]! };
}

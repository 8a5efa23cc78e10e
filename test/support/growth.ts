import { strict as assert } from 'node:assert';

async function timed<T>(work: (input: T) => unknown, input: T): Promise<number> {
  const started = process.hrtime.bigint();
  await work(input);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Below this, a time is mostly timer resolution, JIT and the collector's fixed costs, not the algorithm. */
const minimumMilliseconds = 80;

/**
 * Asserts that `work` grows at most like n log n: the time at 4n over the time at n must stay well under
 * quadratic (16); n log n gives about 4.5. A ratio, never an absolute time, so a loaded machine slows both
 * sizes alike. n starts at `n` and doubles until one run takes long enough to measure; the two sizes are
 * then timed in turns, five times each, and the best of each kept, so a burst of load or a collection
 * that hits one run does not decide. Inputs are built outside the timing.
 */
export async function assertNearLinear<T>(name: string, make: (n: number) => T, work: (input: T) => unknown, n: number, maxN = 64 * n): Promise<void> {
  await work(make(n)); // the first run compiles the code; it is not a measure of it
  while (n < maxN && (await timed(work, make(n))) < minimumMilliseconds) n *= 2;
  let small = Number.POSITIVE_INFINITY;
  let large = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    small = Math.min(small, await timed(work, make(n)));
    large = Math.min(large, await timed(work, make(4 * n)));
  }
  const ratio = large / Math.max(small, 1);
  assert.ok(ratio < 10, `${name}: ${small.toFixed(1)} ms at n=${n}, ${large.toFixed(1)} ms at 4n: ×${ratio.toFixed(1)}, more than n log n allows`);
}

/**
 * The runtime benchmark's kernels: fixtures/kernels/<name>.wat, built into
 * <name>.wasm by fixtures/kernels/build.sh. Each exports `run(size: i32)` that
 * returns a checksum of everything it computed; `expected` is that checksum for
 * `size` as Node's native engine computes it, so a stale .wasm or a wrong
 * result from any engine is caught before its time is reported.
 */

export interface Kernel {
  /** File name without extension in fixtures/kernels/. */
  name: string;
  /** What the kernel exercises, for the table. */
  what: string;
  /** The argument of `run`, chosen for ~100–300 ms per call natively. */
  size: number;
  /** `run(size)` on a correct engine (i64 results are BigInt). */
  expected: number | bigint;
  /** The target for wasmloom's time relative to native. */
  target: number;
}

export const KERNELS: readonly Kernel[] = [
  {
    name: 'fib',
    what: 'recursive fib(n), i32 calls',
    size: 36,
    expected: 14930352,
    target: 1.5,
  },
  {
    name: 'i32-loop',
    what: 'sieve + Collatz, i32 loops over memory',
    size: 8,
    expected: -235398840,
    target: 1.5,
  },
  {
    // Not one of issue #3's kernels: added with the branch-free comparison
    // results (`(a<b)|0`), its target that of the i32 kernels.
    name: 'i32-sort',
    what: 'quicksort, branch-free partition (compare as number)',
    size: 60,
    expected: -800054230,
    target: 1.5,
  },
  {
    name: 'i64-hash',
    what: '4-lane multiply/rotate hash + FNV-1a 64',
    size: 150,
    expected: 790029053691399044n,
    target: 4,
  },
  {
    // Issue "Run speed with a JIT", item 2: 64-bit division without BigInt.
    name: 'i64-divide',
    what: 'LCG states / 32-bit prime, / 64-bit and signed divisors (i64 div/rem above 2^53)',
    size: 300,
    expected: -16198953184379n,
    target: 3,
  },
  {
    name: 'f32',
    what: 'f32 256x256 matrix multiply',
    size: 10,
    expected: -8.631119728088379,
    target: 2,
  },
  {
    name: 'f64',
    what: 'f64 n-body (5 bodies)',
    size: 2_000_000,
    expected: -0.1690262858528509,
    target: 1.5,
  },
];

/**
 * Splitting functions too large for V8's optimizing compiler: runs of code are
 * gathered into segments as they are emitted, and a large function has its
 * segments wrapped in place into closures, `function $s{k}(){…}$s{k}();`, so
 * that each part can be optimized.
 */
import { Names } from '@wasmloom/binary';
import type { JsFunctionState } from './function-state.js';
import { ASSIGNED, VARIABLE } from './names.js';

/**
 * Source characters of a function above which its code is split into closures.
 * V8 never optimizes a function whose bytecode exceeds 60 KB
 * (`--max-optimized-bytecode-size`), and generated code takes about 1.6 bytes
 * of bytecode per character once a function has more than 256 feedback slots
 * (every operand is then wide): hash-wasm's sha512 block function (89 K
 * characters, 142 KB of bytecode) ran 330x slower than native unoptimized.
 */
export const SPLIT_CHARS = 30_000;

/** Characters from which a run of code at one nesting level becomes a function of its own. */
export const SEGMENT_CHARS = 8_000;

/**
 * Between two instructions of live code: gathers the current frame's code
 * into segments of about `SEGMENT_CHARS`. A segment is a run of complete
 * instructions of one frame's body (nested constructs included) that no
 * branch leaves (`leaving`); it is marked by two placeholders in `out`, which
 * `split` fills in if the function is large. Wrapping the run in a closure
 * in place keeps every statement where it was, so nothing else changes. Not
 * in a flat region's blocks (their ends are `case` labels of its switch).
 */
export function segmentBoundary(c: JsFunctionState): void {
  const f = c.d.frame;
  if (f.region !== null) return;
  const out = c.out;
  if (f.segStart < 0) {
    f.segStart = out.length;
    // f is the top of the control stack.
    c.segClear = c.d.ctrl.length;
    out.push('');
    f.segScan = out.length;
    f.segSize = 0;
    f.segInner = 0;
    return;
  }
  if ((++c.segTick & 15) !== 0) return;
  let size = f.segSize;
  for (let i = f.segScan; i < out.length; i++) size += out[i].length;
  f.segSize = size;
  f.segScan = out.length;
  const own = size - f.segInner;
  if (own < c.limits.segmentChars) return;
  c.segments.push(f.segStart, out.length);
  out.push('');
  // The enclosing frames' segments hold this one: its code no longer counts for them.
  for (const g of c.d.ctrl) if (g !== f && g.segStart >= 0) g.segInner += own;
  f.segStart = -1;
}

/** A branch to the frame at control depth `n` (0: a return) leaves the segments of it and of frames inside it. */
export function leaving(c: JsFunctionState, n: number): void {
  const ctrl = c.d.ctrl;
  // From below the frames already left (`segClear`): a br_table with
  // thousands of targets at as many depths would otherwise visit every
  // frame above each target.
  let i = Math.min(ctrl.length, c.segClear) - 1;
  for (; i >= 0 && ctrl[i].n >= n; i--) ctrl[i].segStart = -1;
  c.segClear = i + 1;
}

/**
 * Makes the segments functions if this function is large (`SPLIT_CHARS`).
 * A segment's function takes every variable of this function that its code
 * names as a parameter of the same name, and hands those it assigns back
 * through `RV` on its way out (it has one way out: no branch leaves a
 * segment, and a trap or an exception ends the wasm function anyway), so
 * the variables stay in registers on both sides instead of in a shared
 * context. A trap inside throws where it is (`T{c}` is not in its scope).
 * Segments were closed inner first, so an outer one sees the inner calls.
 */
export function split(c: JsFunctionState): boolean {
  const out = c.out;
  const segs = c.segments;
  if (segs.length === 0) return false;
  let size = 0;
  for (let i = 0; i < out.length; i++) size += out[i].length;
  if (size < c.limits.splitChars) return false;
  for (let k = 0; k < segs.length; k += 2) {
    const start = segs[k];
    const end = segs[k + 1];
    let text = '';
    for (let i = start + 1; i < end; i++) {
      if (out[i].includes('break T')) out[i] = out[i].replace(/break T(\d+);/g, 'throw trap($1);');
      text += out[i];
    }
    const names = new Set<string>();
    for (const m of text.matchAll(VARIABLE)) if (!/^\$s\d/.test(m[0])) names.add(m[0]);
    const assigned = new Set<string>();
    for (const m of text.matchAll(ASSIGNED)) if (names.has(m[1])) assigned.add(m[1]);
    const params = [...names].join(',');
    const name = `$s${k >> 1}`;
    let back = '';
    let read = '';
    let slot = 0;
    for (const v of assigned) {
      back += `${Names.results}[${slot}]=${v};`;
      read += `${v}=${Names.results}[${slot++}];`;
    }
    out[start] = `function ${name}(${params}){`;
    out[end] = `${back}}${name}(${params});${read}`;
  }
  return true;
}

/**
 * Control flow and branches: blocks are labelled blocks, loops `for(;;)` with
 * `continue`, if/else is if/else, br_table a switch; labels are emitted only
 * when branched to. Pending operands are stored to their slots at every
 * control-flow boundary, and a branch moves its values to the target's slots.
 *
 * Deep nesting is flattened: a block opened where the JS nesting is already
 * `FLAT_DEPTH` deep becomes a *region* `L{n}:for(j=0;;){switch(j){case 0:…}break;}`,
 * and blocks opened directly inside a region's blocks join it without braces:
 * each ends in a `case {id}:` and a branch to it is `j={id};continue L{n};`.
 * Go's resumable functions nest ~2,100 blocks around a br_table, which as
 * nested JS blocks would overflow V8's parser stack (about 2,000 levels).
 * Ifs and loops join a region too, or start one, from `FLAT_CONTROL_DEPTH`
 * on (so that 10,000 nested ifs still parse): a flat if is
 * `if(!c){j={else};continue L{n};}` then-arm `j={end};continue L{n};case {else}:`
 * else-arm `case {end}:`, a flat loop starts with `case {id}:` and its back
 * edge is `j={id};continue L{n};`. Below that depth they nest as JS
 * statements, which V8 optimizes better than jumps through a switch.
 */
import { I64, Names, TrapCode, type ValType } from '@wasmloom/binary';
import { FrameKind } from '../emitter.js';
import { enterFrame, enterLoop, loopEnded, takeFacts } from './bounds-facts.js';
import type { JsFrame, JsFunctionState } from './function-state.js';
import { BREAK_LABEL, CASE_JUMP, CASE_LABEL, CONTINUE_LABEL, S_SET, T_SET } from './names.js';
import { leaving } from './segments.js';
import { bare, oneStatement } from './text.js';

/**
 * JS nesting (statements inside statements) at which a block starts a flat
 * region. V8's parser overflows its stack at about 2,000 nested blocks; the
 * margin leaves room for the nesting that is not flattened (ifs, loops,
 * expressions) and for a caller that already uses part of the stack.
 */
export const FLAT_DEPTH = 100;

/** JS nesting from which ifs and loops are flattened too (see the file's opening). */
export const FLAT_CONTROL_DEPTH = 150;

const NO_FACTS = new Map();

/** A control frame as it starts: nothing branched to, nothing emitted for it yet. */
export function newFrame(
  kind: FrameKind,
  params: readonly ValType[],
  results: readonly ValType[],
  height: number,
  dead: boolean,
  n: number,
): JsFrame {
  return {
    kind,
    params,
    results,
    height,
    unreachable: false,
    dead,
    labelUsed: false,
    head: -1,
    n,
    factsIn: NO_FACTS,
    alignIn: NO_FACTS,
    region: null,
    caseId: 0,
    elseId: 0,
    hadElse: false,
    levels: 0,
    open: true,
    segStart: -1,
    segScan: 0,
    segSize: 0,
    segInner: 0,
  };
}

/** The labels' types of a frame: a loop's params, else the results. */
function labelTypes(f: JsFrame): readonly ValType[] {
  return f.kind === FrameKind.loop ? f.params : f.results;
}

/** Params of a frame entered live are in their slots. */
function matParams(c: JsFunctionState, f: JsFrame): void {
  for (let j = 0; j < f.params.length; j++) c.setMat(f.height + j, f.params[j] === I64);
}

/**
 * A block, loop or if frame `f` opens (on top of the control stack, its
 * params at the top of the stack): the enclosing frame's pending operands are
 * stored, and the frame's label placeholder is written.
 */
function openFrame(c: JsFunctionState, f: JsFrame): void {
  const ctrl = c.d.ctrl;
  const outer = ctrl[ctrl.length - 2];
  c.syncRange(outer.height, f.height + f.params.length);
  enterFrame(c, f);
  const block = f.kind === FrameKind.block;
  const flat = block || c.depth >= (c.limits.flatControlDepth ?? FLAT_CONTROL_DEPTH);
  if (flat && outer.region !== null) {
    f.region = outer.region;
    f.caseId = ++c.cases;
  } else if (flat && c.depth >= (c.limits.flatDepth ?? FLAT_DEPTH)) {
    f.region = f;
    f.levels = 2;
  } else f.levels = 1;
  if (f.region !== null && f.kind === FrameKind.if) f.elseId = ++c.cases;
  c.depth += f.levels;
  if (f.kind === FrameKind.loop) {
    enterLoop(c, f);
    c.loops++;
  }
}

export function emitBlock(c: JsFunctionState, f: JsFrame): void {
  openFrame(c, f);
  f.head = c.out.length;
  c.out.push('');
  // A flat loop's start, where its back edges jump (filled in at its end if used).
  if (f.kind === FrameKind.loop && f.region !== null && f.region !== f) c.out.push('');
  matParams(c, f);
}

/** `j={id};continue L{n};`: a jump to case `id` of region `region`. */
function caseJump(id: number, region: JsFrame): string {
  return `${CASE_JUMP.get(id)}${CONTINUE_LABEL.get(region.n)}`;
}

export function emitIf(c: JsFunctionState, f: JsFrame): void {
  const cond = c.cond(f.height + f.params.length);
  openFrame(c, f);
  f.head = c.out.length;
  c.out.push('');
  const region = f.region;
  if (region === null) c.out.push(`if(${bare(cond)}){`);
  else {
    if (region === f) c.usesJ = true;
    c.out.push(`if(!${cond}){${caseJump(f.elseId, region)}}`);
  }
  matParams(c, f);
}

export function emitElse(c: JsFunctionState, f: JsFrame, reachable: boolean): void {
  if (reachable) c.syncRange(f.height, f.height + f.results.length);
  const region = f.region;
  if (region === null) c.out.push('}else{');
  else {
    // The then-arm's end goes to the if's end: out of a root, to its end case in a member.
    c.out.push(
      region === f
        ? `${BREAK_LABEL.get(f.n)}case ${f.elseId}:`
        : `${caseJump(f.caseId, region)}case ${f.elseId}:`,
    );
    f.hadElse = true;
    if (region !== f) f.labelUsed = true;
  }
  f.segStart = -1;
  takeFacts(c, f);
  matParams(c, f);
}

export function emitEnd(c: JsFunctionState, f: JsFrame, reachable: boolean): void {
  const out = c.out;
  if (reachable) c.syncRange(f.height, f.height + f.results.length);
  const region = f.region;
  if (region !== null && f.kind !== FrameKind.block) {
    // A flat if or loop.
    if (f.kind !== FrameKind.loop && !f.hadElse) out.push(`case ${f.elseId}:`);
    if (region === f) {
      out[f.head] = `L${f.n}:for(j=0;;){switch(j){case 0:`;
      out.push('}break;}');
      c.usesJ = true;
    } else if (f.kind === FrameKind.loop) {
      if (f.labelUsed) out[f.head + 1] = `case ${f.caseId}:`;
    } else if (f.labelUsed) out.push(`case ${f.caseId}:`);
  } else
    switch (f.kind) {
      case FrameKind.block:
        if (f.region === f) {
          out[f.head] = `L${f.n}:for(j=0;;){switch(j){case 0:`;
          out.push('}break;}');
          c.usesJ = true;
        } else if (f.region !== null) {
          if (f.labelUsed) out.push(`case ${f.caseId}:`);
        } else if (f.labelUsed) {
          out[f.head] = `L${f.n}:{`;
          out.push('}');
        }
        break;
      case FrameKind.loop:
        if (f.labelUsed) {
          out[f.head] = `L${f.n}:for(;;){`;
          out.push('break;}');
        }
        break;
      default:
        if (f.labelUsed) out[f.head] = `L${f.n}:`;
        out.push('}');
    }
  f.open = false;
  c.depth -= f.levels;
  // Where paths merge, only the facts from before the frame hold (a loop's
  // end and an unlabelled block's end are reached by falling through only).
  if (f.kind === FrameKind.if || f.kind === FrameKind.else || (f.kind === FrameKind.block && f.labelUsed)) {
    takeFacts(c, f);
  }
  if (f.kind === FrameKind.loop) {
    loopEnded(c, f);
    c.loops--;
    c.afterLoop = true;
  }
  for (let j = 0; j < f.results.length; j++) c.setMat(f.height + j, f.results[j] === I64);
}

export function emitUnreachable(c: JsFunctionState): void {
  c.out.push(c.trap(TrapCode.unreachable));
}

/** Move the top `n` values to the target frame's slots (a branch). */
function moveTo(c: JsFunctionState, target: JsFrame, n: number): void {
  const base = target.height;
  const src0 = c.d.sp - n;
  const lt = labelTypes(target);
  for (let j = 0; j < n; j++) {
    const src = src0 + j;
    const d = base + j;
    const i64 = lt[j] === I64;
    if (src === d) {
      c.materialize(src, lt[j]);
      continue;
    }
    if (i64) {
      c.out.push(`${S_SET.get(d)}${bare(c.lo(src))};${T_SET.get(d)}${bare(c.hi(src))};`);
      if (d >= c.maxT) c.maxT = d + 1;
    } else c.out.push(`${S_SET.get(d)}${bare(c.val(src))};`);
    if (d >= c.maxS) c.maxS = d + 1;
  }
}

/** The statement(s) returning the top values as the function's results. */
export function emitReturn(c: JsFunctionState): void {
  leaving(c, 0);
  const results = c.d.type.results;
  const n = results.length;
  const base = c.d.sp - n;
  if (n === 0) c.out.push('return;');
  else if (n === 1) {
    if (results[0] === I64) c.out.push(`${Names.hi}[0]=${bare(c.hi(base))};return ${bare(c.lo(base))};`);
    else c.out.push(`return ${bare(c.val(base))};`);
  } else {
    let k = 0;
    let s = '';
    for (let j = 0; j < n; j++) {
      const h = base + j;
      if (results[j] === I64) {
        s += `${Names.results}[${k}]=${bare(c.lo(h))};${Names.results}[${k + 1}]=${bare(c.hi(h))};`;
        k += 2;
      } else s += `${Names.results}[${k++}]=${bare(c.val(h))};`;
    }
    c.out.push(`${s}return;`);
  }
}

/** A branch to `target` with its values on top of the stack (emits moves and the jump). */
export function emitBranch(c: JsFunctionState, target: JsFrame): void {
  if (target.kind === FrameKind.func) {
    emitReturn(c);
    return;
  }
  moveTo(c, target, labelTypes(target).length);
  target.labelUsed = true;
  leaving(c, target.n);
  const region = target.region;
  if (region !== null && region !== target) c.out.push(caseJump(target.caseId, region));
  // A flat loop that is its region's root starts at case 0 (j may hold another case now).
  else if (region === target && target.kind === FrameKind.loop) c.out.push(caseJump(0, target));
  else c.out.push(target.kind === FrameKind.loop ? CONTINUE_LABEL.get(target.n) : BREAK_LABEL.get(target.n));
}

export function emitBrIf(c: JsFunctionState, target: JsFrame): void {
  const out = c.out;
  const test = `if(${bare(c.cond(c.d.sp))})`;
  c.sync();
  const at = out.length;
  out.push(`${test}{`);
  emitBranch(c, target);
  // One statement (a jump, mostly) needs no braces.
  if (out.length === at + 2 && oneStatement(out[at + 1])) out[at] = test;
  else out.push('}');
}

export function emitBrTable(c: JsFunctionState, targets: readonly number[], def: number): void {
  const idx = bare(c.val(c.d.sp));
  c.sync();
  const defFrame = c.d.labelFrame(def);
  let allSame = true;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== def) allSame = false;
  if (allSame) {
    emitBranch(c, defFrame);
    return;
  }
  c.out.push(`switch(${idx}){`);
  // Group the cases by target depth, in the order the depths first occur;
  // each target's code once. One pass: Go's resumable functions have
  // br_tables of thousands of targets.
  const groups = new Map<number, string>();
  for (let i = 0; i < targets.length; i++) {
    const d = targets[i];
    if (d === def) continue;
    const cases = groups.get(d);
    groups.set(d, cases === undefined ? CASE_LABEL.get(i) : cases + CASE_LABEL.get(i));
  }
  groups.forEach((cases, d) => {
    c.out.push(cases);
    emitBranch(c, c.d.labelFrame(d));
  });
  c.out.push('default:');
  emitBranch(c, defFrame);
  c.out.push('}');
}

/**
 * Bounds-check and alignment facts: which checks have passed on every path to
 * the current point (so an implied check is left out) and which locals are
 * known to be aligned (so an access can use a typed array), how they flow
 * through frames, loops and assignments, and the code emitted on an
 * assumption made at a loop's entry that comes back if the loop breaks it.
 * Memory never shrinks, so a passed check stays true while its base keeps its
 * value.
 */
import type { AlignFact, Fact, JsFrame, JsFunctionState } from './function-state.js';
import { CHECK_END, type MemNames } from './names.js';
import { isLocalName } from './text.js';

/** The alignment facts that hold for sure (`origin` null), one per `tz` (facts are never changed, only replaced). */
const ALIGN_KNOWN: AlignFact[] = [];
for (let tz = 0; tz <= 32; tz++) ALIGN_KNOWN.push({ tz, origin: null });

export function alignKnown(tz: number): AlignFact {
  return ALIGN_KNOWN[tz] ?? { tz, origin: null };
}

/**
 * The bounds check of `end` bytes past `base`: `if(a>>>0>N0-end)`, or
 * `if(N0<end)` for a constant address (`base` '#'), then the trap's jump.
 */
function checkText(base: string, end: number, names: MemNames): string {
  if (base === '#') return `${names.checkConst}${end}${CHECK_END}`;
  return `if(${base}${names.checkOver}${end}${CHECK_END}`;
}

/** `facts`, copied first if a frame's entry facts are the same map (see `factsShared`). */
export function ownFacts(c: JsFunctionState): Map<string, Fact> {
  if (c.factsShared) {
    c.facts = new Map(c.facts);
    c.factsShared = false;
  }
  return c.facts;
}

/** `align`, copied first if shared (see `factsShared`). */
export function ownAlign(c: JsFunctionState): Map<string, AlignFact> {
  if (c.alignShared) {
    c.align = new Map(c.align);
    c.alignShared = false;
  }
  return c.align;
}

/** At a merge point: the facts are frame `f`'s entry facts again (shared, see `factsShared`). */
export function takeFacts(c: JsFunctionState, f: JsFrame): void {
  c.facts = f.factsIn;
  c.align = f.alignIn;
  c.factsShared = true;
  c.alignShared = true;
}

/** Frame `f` starts with a fact about `base` (see `forgetBase`). */
function holds(c: JsFunctionState, base: string, f: JsFrame): void {
  const hs = c.holders.get(base);
  if (hs === undefined) c.holders.set(base, [f]);
  else hs.push(f);
}

/**
 * A frame opens: it starts with the current facts (shared). A loop is reached
 * again from its back edges, so a fact about a local holds in it only if the
 * loop does not assign the local: the loop becomes the facts' origin.
 */
export function enterFrame(c: JsFunctionState, f: JsFrame): void {
  f.factsIn = c.facts;
  f.alignIn = c.align;
  c.factsShared = true;
  c.alignShared = true;
  for (const base of f.factsIn.keys()) holds(c, base, f);
  for (const base of f.alignIn.keys()) if (!f.factsIn.has(base)) holds(c, base, f);
}

/** A loop opens (after `enterFrame`): facts that hold for sure become assumptions of loop `f`. */
export function enterLoop(c: JsFunctionState, f: JsFrame): void {
  c.facts.forEach((fact, base) => {
    if (base !== '#' && fact.origin === null) ownFacts(c).set(base, { end: fact.end, origin: f });
  });
  c.align.forEach((fact, base) => {
    if (fact.origin === null) ownAlign(c).set(base, { tz: fact.tz, origin: f });
  });
}

/** The end of loop `f`: the assumptions made at its entry held (it assigned none of those bases). */
export function loopEnded(c: JsFunctionState, f: JsFrame): void {
  if (c.pending.length > 0) c.pending = c.pending.filter((p) => p.origin !== f);
  c.facts.forEach((fact, base) => {
    if (fact.origin === f) ownFacts(c).set(base, { end: fact.end, origin: null });
  });
  c.align.forEach((fact, base) => {
    if (fact.origin === f) ownAlign(c).set(base, alignKnown(fact.tz));
  });
}

/**
 * Emits the bounds check of `end` bytes past `base` (`checkText`; a local
 * `l{k}`, '#' for constant addresses, or another operand, whose checks are
 * not tracked), unless a passed check implies it; its text is made only if
 * it is emitted or may come back (`Pending`). A passed check stays true while
 * the base keeps its value, on every path the check dominates.
 */
export function boundsCheck(c: JsFunctionState, base: string, end: number, names: MemNames): void {
  const tracked = base === '#' || isLocalName(base);
  if (!tracked) {
    c.out.push(checkText(base, end, names));
    return;
  }
  const known = c.facts.get(base);
  if (known !== undefined && known.end >= end) {
    if (known.origin !== null) {
      c.pending.push({
        at: c.out.length,
        text: checkText(base, end, names),
        base,
        origin: known.origin,
        need: Infinity,
        view: null,
      });
      c.out.push('');
    }
    return;
  }
  ownFacts(c).set(base, { end, origin: null });
  c.out.push(checkText(base, end, names));
}

/** A local is assigned: checks on it no longer hold, and those left out in open loops on that assumption come back. */
export function forgetBase(c: JsFunctionState, base: string, keepTz = 0): void {
  if (c.facts.has(base)) ownFacts(c).delete(base);
  // An assumed alignment that the new value keeps (`keepTz` trailing zeros,
  // see `local.set`) still holds at the loop's entry, weakened to `keepTz`.
  const al = c.align.get(base);
  if (al !== undefined && al.origin !== null && keepTz > 0) {
    ownAlign(c).set(base, { tz: Math.min(al.tz, keepTz), origin: al.origin });
  } else {
    if (al !== undefined) ownAlign(c).delete(base);
    keepTz = 0;
  }
  // The open frames whose entry facts name the base (`holders`): a frame
  // leaves the list once its facts no longer do, so each frame is visited
  // once per fact it starts with, however deep the nesting (Go code nests
  // thousands of blocks, and visiting every open frame at each assignment
  // was most of the compile time).
  const hs = c.holders.get(base);
  if (hs !== undefined) {
    let kept = 0;
    for (let i = 0; i < hs.length; i++) {
      const f = hs[i];
      if (!f.open) continue;
      f.factsIn.delete(base);
      const fa = f.alignIn.get(base);
      if (fa !== undefined && fa.origin !== null && keepTz > 0) {
        f.alignIn.set(base, { tz: Math.min(fa.tz, keepTz), origin: fa.origin });
        hs[kept++] = f;
      } else f.alignIn.delete(base);
    }
    if (kept === 0) c.holders.delete(base);
    else hs.length = kept;
  }
  // In place: a local is assigned at about every other instruction.
  const pending = c.pending;
  let kept = 0;
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i];
    if (p.base !== base || !p.origin.open || p.need <= keepTz) pending[kept++] = p;
    else {
      c.out[p.at] = p.text;
      if (p.view !== null) c.views.add(p.view);
    }
  }
  pending.length = kept;
}

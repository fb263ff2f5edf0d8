/**
 * The function's prologue and epilogue: `function f{i}(params){…}` with its
 * locals, slots and scratch declared, the memory views read into locals (and
 * again wherever a call or memory.grow may have replaced them), the segments
 * made closures if the function is large, and the trap blocks around the body:
 * a trap is `break T{c}`, and the one `throw trap(c)` per code follows the body.
 */
import { I32, I64, isRef, Names } from '@wasmloom/binary';
import { alignKnown, ownAlign } from './bounds-facts.js';
import type { JsFunctionState } from './function-state.js';
import { L_NAME, S_NAME, SPILL_HEIGHT, T_NAME } from './names.js';
import { split } from './segments.js';

/** The function starts: declared i32 locals start at 0, aligned to anything. */
export function emitPrologue(c: JsFunctionState): void {
  const lt = c.d.localTypes;
  for (let i = c.d.type.params.length; i < lt.length; i++) {
    if (lt[i] === I32) ownAlign(c).set(L_NAME.get(i), alignKnown(32));
  }
}

/** The function's whole source. */
export function emitEpilogue(c: JsFunctionState): string {
  const params = c.d.type.params;
  const lt = c.d.localTypes;
  let sig = '';
  for (let i = 0; i < params.length; i++) {
    if (i > 0) sig += ',';
    sig += params[i] === I64 ? `l${i},k${i}` : `l${i}`;
  }
  const decls: string[] = [];
  for (let i = params.length; i < lt.length; i++) {
    const t = lt[i];
    if (t === I64) decls.push(`l${i}=0,k${i}=0`);
    else if (isRef(t)) decls.push(`l${i}=null`);
    else decls.push(`l${i}=0`);
  }
  if (c.views.size > 0) {
    let reload = '';
    for (const v of c.views) {
      const copy = `${v.local}=${v.name}`;
      decls.push(copy);
      reload += `${copy};`;
    }
    for (const i of c.reloads) c.out[i] = reload;
  }
  // Slots and scratch as `var`: a `let` without initializer still costs an
  // explicit `undefined` store in V8's bytecode.
  const vars: string[] = [];
  for (let h = 0; h < Math.min(c.maxS, SPILL_HEIGHT); h++) vars.push(S_NAME.get(h));
  for (let h = 0; h < Math.min(c.maxT, SPILL_HEIGHT); h++) vars.push(T_NAME.get(h));
  if (c.maxS > SPILL_HEIGHT) vars.push('$S=[]');
  if (c.maxT > SPILL_HEIGHT) vars.push('$T=[]');
  if (c.usesX) vars.push('x');
  if (c.usesJ) vars.push('j');
  if (c.usesImul) vars.push('$imul=imul');
  for (const g of c.copies) vars.push(`$${g}=${g}`);
  const name = Names.func(c.d.index);
  // With tail calls, this is the body, `f{i}$t`, and a driver `f{i}` follows (`driver`).
  let head = `function ${c.usesTail ? `${name}$t` : name}(${sig}){`;
  // Parameters arrive as tagged values of unknown type; one a loop assigns
  // meets its new values in a loop phi, which V8 then keeps tagged too, unless
  // the parameter is typed on entry. Only those: an operation on entry is one
  // that has no type feedback yet if V8 optimizes the function during its
  // first call (the feedback vector is allocated in the loop), and deoptimizing
  // there can leave V8 running the function's OSR code for good.
  for (let i = 0; i < params.length; i++) {
    if (!c.loopAssigned.has(i)) continue;
    const t = params[i];
    if (t === I32) head += `l${i}|=0;`;
    else if (t === I64) head += `l${i}|=0;k${i}|=0;`;
  }
  const isSplit = split(c);
  // Locals as `var` in a split function: a closure reads an outer `let` with a hole check.
  if (decls.length > 0) head += `${isSplit ? 'var' : 'let'} ${decls.join(',')};`;
  if (vars.length > 0) head += `var ${vars.join(',')};`;
  const tail = c.usesTail ? driver(name, sig) : '';
  if (c.traps === 0) return `${head}${c.out.join('')}}${tail}`;
  // T{c}:{ ... } throw trap(c); for each code used, the body innermost.
  let open = '';
  let close = '';
  for (let code = 0; code < 32; code++) {
    if ((c.traps & (1 << code)) === 0) continue;
    open = `T${code}:{${open}`;
    close += `}throw trap(${code});`;
  }
  // The body falls into the traps' code unless it ends in a return.
  const last = c.out.length > 0 ? c.out[c.out.length - 1] : '';
  const ret = last.startsWith('return') ? '' : 'return;';
  return `${head}${open}${c.out.join('')}${ret}${close}}${tail}`;
}

/**
 * The driver of a function with tail calls (runtime helpers.ts, `tailCall`):
 * calls the body, then the pending tail calls one after another. Its source
 * ends in `$t;`, which is how the runtime's lazy factory tells it from a
 * single function.
 */
function driver(name: string, sig: string): string {
  return `function ${name}(${sig}){var r=${name}$t(${sig});while(r===TAIL)r=tailNext();return r}${name}.t=${name}$t;`;
}

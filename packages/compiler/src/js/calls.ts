/**
 * Calls: direct calls of `f{i}`, indirect calls through the table with the
 * signature checked by `tableFunc`, tail calls as `return` of the call, and the
 * results read from the return value, `HI` or `RV` (ABI). The memory views are
 * read again after a call: the callee may have grown the memory.
 */
import { type FuncType, I64, Names, type ValType } from '@wasmloom/binary';
import type { JsFunctionState } from './function-state.js';
import { CALL_OPEN, S_SET, SIG, T_SET, TABLE } from './names.js';
import { leaving } from './segments.js';
import { bare } from './text.js';

/** Arguments of a call: the top `params.length` entries starting at height h. */
function args(c: JsFunctionState, h: number, params: readonly ValType[]): string {
  let s = '';
  for (let j = 0; j < params.length; j++) {
    if (j > 0) s += ',';
    if (params[j] === I64) s += `${bare(c.lo(h + j))},${bare(c.hi(h + j))}`;
    else s += bare(c.val(h + j));
  }
  return s;
}

/** Emit a call expression `callee` and read its results into slots from h. */
function emitCallExpr(c: JsFunctionState, h: number, callee: string, results: readonly ValType[]): void {
  const n = results.length;
  if (n === 0) c.out.push(`${callee};`);
  else if (n === 1) {
    if (results[0] === I64) c.assign64(h, callee);
    else c.assign(h, callee);
  } else {
    let s = `${callee};`;
    let k = 0;
    for (let j = 0; j < n; j++) {
      const d = h + j;
      if (results[j] === I64) {
        s += `${S_SET.get(d)}${Names.results}[${k}];${T_SET.get(d)}${Names.results}[${k + 1}];`;
        k += 2;
        c.setMat(d, true);
      } else {
        s += `${S_SET.get(d)}${Names.results}[${k++}];`;
        c.setMat(d, false);
      }
    }
    c.out.push(s);
  }
  // The callee may have grown the memory (replacing its buffer).
  c.reloadViews();
}

function directCallee(c: JsFunctionState, fi: number, ft: FuncType, h: number): string {
  return `${CALL_OPEN.get(fi)}${args(c, h, ft.params)})`;
}

/** The function an indirect call calls: `tableFunc(TBL{t},index,SIG{type})` (traps on a null or mismatch). */
function indirectFunction(c: JsFunctionState, ti: number, tbl: number, ft: FuncType, h: number): string {
  return `tableFunc(${TABLE.get(tbl)},${c.val(h + ft.params.length)},${SIG.get(ti)})`;
}

function indirectCallee(c: JsFunctionState, ti: number, tbl: number, ft: FuncType, h: number): string {
  return `${indirectFunction(c, ti, tbl, ft, h)}(${args(c, h, ft.params)})`;
}

export function emitCall(c: JsFunctionState, fi: number, ft: FuncType, h: number): void {
  emitCallExpr(c, h, directCallee(c, fi, ft, h), ft.results);
}

/**
 * `return tailCall(callee,[args]);`: the driver below this frame makes the
 * call (runtime helpers.ts), so tail recursion keeps the JS stack flat.
 */
export function emitReturnCall(c: JsFunctionState, fi: number, ft: FuncType, h: number): void {
  leaving(c, 0);
  c.usesTail = true;
  c.out.push(`return tailCall(${Names.func(fi)},[${args(c, h, ft.params)}]);`);
}

export function emitCallIndirect(c: JsFunctionState, ti: number, tbl: number, ft: FuncType, h: number): void {
  emitCallExpr(c, h, indirectCallee(c, ti, tbl, ft, h), ft.results);
}

export function emitReturnCallIndirect(
  c: JsFunctionState,
  ti: number,
  tbl: number,
  ft: FuncType,
  h: number,
): void {
  const call = `return tailCall(${indirectFunction(c, ti, tbl, ft, h)},[${args(c, h, ft.params)}]);`;
  leaving(c, 0);
  c.usesTail = true;
  c.out.push(call);
}

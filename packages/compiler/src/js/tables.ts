/**
 * References and tables: `ref.null`, `ref.is_null`, `ref.func` (`REF{i}`, one
 * record per function and instance), table access with its bounds trap, and
 * the table and element-segment instructions through runtime helpers.
 */
import { Names, TrapCode } from '@wasmloom/binary';
import { BOOL, type JsFunctionState, SIMPLE } from './function-state.js';
import { FUNC_REF, TABLE } from './names.js';
import { NO_LOCAL } from './text.js';

export function emitRefNull(c: JsFunctionState, h: number): void {
  c.setPending(h, 'null', '', SIMPLE, NO_LOCAL);
}

export function emitRefIsNull(c: JsFunctionState, h: number): void {
  c.unary(h, `(${c.val(h)}===null)`, BOOL);
}

export function emitRefFunc(c: JsFunctionState, fi: number, h: number): void {
  c.setPending(h, FUNC_REF.get(fi), '', SIMPLE, NO_LOCAL);
}

/** `if((x=index>>>0)>=TBL{t}.length)` and the trap: the index in `x` afterwards. */
function checkedIndex(c: JsFunctionState, t: number, h: number): string {
  c.usesX = true;
  return `if((x=${c.val(h)}>>>0)>=${TABLE.get(t)}.length)${c.trap(TrapCode.tableOutOfBounds)}`;
}

export function emitTableGet(c: JsFunctionState, t: number, h: number): void {
  c.emit(checkedIndex(c, t, h));
  c.assign(h, `${TABLE.get(t)}[x]`);
}

export function emitTableSet(c: JsFunctionState, t: number, h: number): void {
  c.emit(`${checkedIndex(c, t, h)}${TABLE.get(t)}[x]=${c.val(h + 1)};`);
}

export function emitTableSize(c: JsFunctionState, t: number, h: number): void {
  c.assign(h, `${TABLE.get(t)}.length`);
}

export function emitTableGrow(c: JsFunctionState, t: number, h: number): void {
  c.assign(h, `tableGrow(${TABLE.get(t)},${c.val(h)},${c.val(h + 1)})`);
}

/** The three operands at h, as helper arguments. */
function three(c: JsFunctionState, h: number): string {
  return `${c.val(h)},${c.val(h + 1)},${c.val(h + 2)}`;
}

export function emitTableFill(c: JsFunctionState, t: number, h: number): void {
  c.emit(`tableFill(${TABLE.get(t)},${three(c, h)});`);
}

export function emitTableCopy(c: JsFunctionState, dst: number, src: number, h: number): void {
  c.emit(`tableCopy(${TABLE.get(dst)},${TABLE.get(src)},${three(c, h)});`);
}

export function emitTableInit(c: JsFunctionState, seg: number, t: number, h: number): void {
  c.emit(`tableInit(${TABLE.get(t)},${Names.elem}[${seg}],${three(c, h)});`);
}

export function emitElemDrop(c: JsFunctionState, seg: number): void {
  c.emit(`elemDrop(${Names.elem},${seg});`);
}

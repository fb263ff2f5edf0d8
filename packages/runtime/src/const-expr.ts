/**
 * Constant expressions (global initializers, segment offsets, element
 * expressions), evaluated at instantiation: the MVP/2.0 forms plus
 * extended-const arithmetic. Which operators may appear is the opcode table's
 * `constant` column, checked when the module is decoded. Values are internal
 * values except i64, which is a BigInt here (split into a pair where it is stored).
 */
import { type ConstExpr, Op, opIdString, opInfo } from '@wasmloom/binary';
import type { FuncRecord } from './functions.js';
import type { WasmGlobal } from './global.js';

const scratch = new DataView(new ArrayBuffer(8));

function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return scratch.getFloat64(0, true);
}

export interface ConstContext {
  globals: readonly WasmGlobal[];
  /** FuncRef record of every function (ref.func). */
  refs: readonly FuncRecord[];
  /** f32 bit pattern → internal f32 value (abi.ts: NaN payloads kept). */
  f32FromBits: (bits: number) => number;
}

export function evalConst(expr: ConstExpr, ctx: ConstContext): unknown {
  const stack: unknown[] = [];
  for (const ins of expr.instrs) {
    switch (ins.op) {
      case Op.i32_const:
        stack.push((ins.imm as number) | 0);
        break;
      case Op.i64_const:
        stack.push(BigInt.asIntN(64, ins.imm as bigint));
        break;
      case Op.f32_const:
        stack.push(ctx.f32FromBits((ins.imm as number) >>> 0));
        break;
      case Op.f64_const:
        stack.push(f64FromBits(ins.imm as bigint));
        break;
      case Op.v128_const:
        stack.push((ins.imm as Uint8Array).slice());
        break;
      case Op.global_get:
        stack.push(ctx.globals[ins.imm as number].getInternal());
        break;
      case Op.ref_null:
        stack.push(null);
        break;
      case Op.ref_func:
        stack.push(ctx.refs[ins.imm as number]);
        break;
      case Op.i32_add:
      case Op.i32_sub:
      case Op.i32_mul: {
        const b = stack.pop() as number;
        const a = stack.pop() as number;
        stack.push(
          ins.op === Op.i32_add ? (a + b) | 0 : ins.op === Op.i32_sub ? (a - b) | 0 : Math.imul(a, b),
        );
        break;
      }
      case Op.i64_add:
      case Op.i64_sub:
      case Op.i64_mul: {
        const b = stack.pop() as bigint;
        const a = stack.pop() as bigint;
        const r = ins.op === Op.i64_add ? a + b : ins.op === Op.i64_sub ? a - b : a * b;
        stack.push(BigInt.asIntN(64, r));
        break;
      }
      default: {
        // Validation lets in only the table's constant operators; GC's are not evaluated yet.
        const info = opInfo(ins.op);
        const name = info?.name ?? opIdString(ins.op);
        throw new Error(
          info?.constant
            ? `constant expression operator ${name} is not implemented by wasmloom yet`
            : `${name} is not a constant expression operator`,
        );
      }
    }
  }
  return stack[stack.length - 1];
}

/**
 * The compiler's two entry points: `compileFunction` validates a function body
 * and emits its JavaScript source in one pass (the decoder driving the JS
 * emitter); `validateFunction` is the same decoder with the null emitter.
 * Both report the same first error, with its byte offset and function index.
 */
import { type FunctionBody, type ModuleEnv, WasmError } from '@wasmloom/binary';
import { Decoder } from './decoder.js';
import type { EmitLimits } from './js/function-state.js';
import { JsEmitter } from './js/js-emitter.js';
import { SEGMENT_CHARS, SPLIT_CHARS } from './js/segments.js';
import { NULL_EMITTER } from './null-emitter.js';

export type { EmitLimits } from './js/function-state.js';

const DEFAULT_LIMITS: EmitLimits = { splitChars: SPLIT_CHARS, segmentChars: SEGMENT_CHARS };

/** Errors name the function they are in. */
function inFunction(e: unknown, index: number): unknown {
  if (e instanceof WasmError && e.funcIndex === undefined) e.funcIndex = index;
  return e;
}

/** Function `index`'s JavaScript source (code shape: `js/*.ts`, names: the ABI in @wasmloom/binary). */
export function compileFunction(
  env: ModuleEnv,
  index: number,
  body: FunctionBody,
  limits: EmitLimits = DEFAULT_LIMITS,
): string {
  try {
    return new Decoder(env, index, body, new JsEmitter(limits)).run();
  } catch (e) {
    throw inFunction(e, index);
  }
}

/** Validation only; same checks and errors as `compileFunction`, no JS text. */
export function validateFunction(env: ModuleEnv, index: number, body: FunctionBody): void {
  try {
    new Decoder(env, index, body, NULL_EMITTER).run();
  } catch (e) {
    throw inFunction(e, index);
  }
}

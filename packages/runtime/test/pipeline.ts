/**
 * The whole pipeline for end-to-end tests: bytes → parseModule →
 * compileFunction per body → instantiate, next to Node's native WebAssembly.
 */
import { parseModule } from '@wasmloom/binary';
import { compileFunction } from '@wasmloom/compiler';
import { buildFactorySource, type CompiledCode, instantiate } from '../src/instance.js';

/** `lazy`: the factory defines the functions lazily or not; undefined: as for the module's size. */
export function compile(bytes: Uint8Array, lazy?: boolean): CompiledCode {
  const { module, env, bodies } = parseModule(bytes);
  const sources = bodies.map((b) => compileFunction(env, b.index, b));
  if (lazy === undefined) return { module, env, sources };
  return { module, env, sources, factorySource: buildFactorySource(module, env, sources, lazy) };
}

export function instantiateBytes(bytes: Uint8Array, imports?: unknown): Record<string, unknown> {
  return instantiate(compile(bytes), imports).exports;
}

/** Hex string → bytes (fixtures are embedded as hex; they were made with wat2wasm from the WAT beside them). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

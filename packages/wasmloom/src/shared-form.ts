/**
 * How a Module crosses threads. Structured clone (`postMessage`,
 * `structuredClone`) copies only an object's own enumerable properties, not
 * its prototype nor what a WeakMap keeps for it; so every wasmloom Module has
 * one own enumerable property, `"wasmloom.module"`, an accessor whose value
 * is a Map:
 *
 *     Map { 'format' => 2, 'version' => '0.1.0', 'text' => string, 'bin' => Uint8Array }
 *
 * `format` is `PACK_FORMAT`, `version` the wasmloom version that compiled the
 * code, `text` and `bin` the packed CompiledCode (pack.ts: the factory source
 * and function sources as one string, everything else as one byte array).
 * The clone of a Module is therefore a plain object holding that Map as a
 * data property, and every wasmloom API that takes a Module takes it.
 *
 * Why a Map: structured clone keeps it, JSON cannot make one (JSON.parse of
 * untrusted data is never mistaken for code to run), and JSON.stringify
 * writes it as `{}` instead of megabytes of source. Why an accessor: the
 * packing runs the first time the property is read (the first postMessage),
 * not for every module compiled, and its result is kept for the next reads.
 */
import { type CompiledCode, missingSources } from '@wasmloom/runtime';
import { factorySourceOf, PACK_FORMAT, type Packed, packWithSources, unpack } from './pack.js';
import { VERSION } from './version.js';

/** The own property of every Module that structured clone carries. */
export const SHARED_KEY = 'wasmloom.module';

/** A packed form, and how many sources were missing when it was made. */
const packedForms = new WeakMap<CompiledCode, { packed: Packed; missing: number }>();

/**
 * The packed form of `code`, made once. Packing also keeps the factory
 * source in `code` (instantiating skips building it) and swaps its sources
 * for equal slices of the packed text, so the module does not hold the
 * sources twice.
 */
export function packedOf(code: CompiledCode): Packed {
  const missing = missingSources(code);
  const before = packedForms.get(code);
  // Made again once more sources have been emitted since (the receiver should not emit them again).
  if (before !== undefined && before.missing === missing) return before.packed;
  if (missing === 0) {
    code.bodies = null;
    // A factory made while sources were missing is a lazy one: made again from the
    // sources, so that the packed form does not depend on when it was made.
    if (before !== undefined && before.missing > 0) code.factorySource = undefined;
  }
  const factory = factorySourceOf(code);
  const made = packWithSources(code, factory);
  const packed = made.packed;
  packedForms.set(code, { packed, missing });
  if (!Object.isFrozen(code)) {
    code.sources = made.sources;
    code.factorySource = packed.text.substring(0, factory.length);
  }
  return packed;
}

/** Remembers the packed form of code that was unpacked from it (no packing again to share it on). */
export function rememberPacked(code: CompiledCode, packed: Packed): void {
  packedForms.set(code, { packed, missing: missingSources(code) });
}

/** The value of a Module's `SHARED_KEY` property: a new Map around the packed code. */
export function sharedValue(code: CompiledCode): Map<string, unknown> {
  const { text, bin } = packedOf(code);
  return new Map<string, unknown>([
    ['format', PACK_FORMAT],
    ['version', VERSION],
    ['text', text],
    ['bin', bin],
  ]);
}

function isMap(v: unknown): v is Map<unknown, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  try {
    // A brand check that works for Maps of other realms too.
    Map.prototype.has.call(v, 'format');
    return true;
  } catch {
    return false;
  }
}

/** The shared form's Map when `v` is the clone of a Module (a data property holding a Map), else undefined. */
function sharedMap(v: object): Map<unknown, unknown> | undefined {
  const d = Object.getOwnPropertyDescriptor(v, SHARED_KEY);
  return d !== undefined && 'value' in d && isMap(d.value) ? d.value : undefined;
}

/** True when `v` has the shape of a Module's clone (whether or not this version can run it). */
export function isSharedForm(v: object): boolean {
  return sharedMap(v) !== undefined;
}

function isUint8Array(v: unknown): v is Uint8Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Uint8Array]';
}

/**
 * The CompiledCode of a Module's clone. TypeError (its message starting with
 * `context`) when the clone comes from another wasmloom version or format,
 * or is damaged.
 */
export function readSharedForm(v: object, context: string): CompiledCode {
  const map = sharedMap(v);
  if (map === undefined) throw new TypeError(`${context}: Argument 0 must be a WebAssembly.Module`);
  const format = map.get('format');
  const version = map.get('version');
  if (format !== PACK_FORMAT || version !== VERSION) {
    throw new TypeError(
      `${context}: Argument 0 is a module shared by wasmloom ${String(version)} (format ${String(format)}); ` +
        `this is wasmloom ${VERSION} (format ${PACK_FORMAT}), which cannot run its code: compile it again`,
    );
  }
  const text = map.get('text');
  const bin = map.get('bin');
  if (typeof text !== 'string' || !isUint8Array(bin)) {
    throw new TypeError(`${context}: Argument 0 is a damaged shared module (no text or bin)`);
  }
  // A copy: the code keeps views of it (data segments), the sender's Map may change.
  const packed: Packed = { text, bin: bin.slice() };
  let code: CompiledCode;
  try {
    code = unpack(packed);
  } catch (e) {
    throw new TypeError(`${context}: Argument 0 is a damaged shared module: ${(e as Error).message}`);
  }
  rememberPacked(code, packed);
  return code;
}

/**
 * The contract between generated code and the runtime: the names a function's
 * source may use, and the calling convention. `@wasmloom/compiler` emits one
 * source string per function (in a worker, knowing only the ModuleEnv); the
 * instance assembler wraps all of them in one module factory
 *
 *     new Function('rt', 'ctx', prelude + functionSources + epilogue)
 *
 * whose prelude binds the names below. Nothing else is in scope: generated code
 * reaches only these names and its own locals (wasm code reaches nothing but its
 * imports). Keep this file, the runtime's `helpers.ts` and the compiler's emitter
 * in step. It lives in @wasmloom/binary because both sides import it and the
 * compiler never imports the runtime.
 *
 * Every factory-scope binding is a `var`, never `let`/`const`: V8 guards each
 * read of an outer function's `let`/`const` from an inner function with a hole
 * (TDZ) check.
 *
 * ## Inside a function (the compiler's business, listed so the names stay free)
 * Locals `l{i}`/`k{i}`, stack slots `s{h}`/`t{h}`, the scratch `x`, a flat
 * region's switch variable `j`; `$imul`, `$GV{g}`, `$GH{g}`: copies of `imul`
 * and of immutable globals' values made on entry (call arguments); `N{m}`,
 * `D{m}`, `B{m}`, `I{m}`, `F{m}`: copies of the memory bindings `LEN{m}`,
 * `DV{m}`, `U8{m}`, `I32_{m}`, `F64_{m}` (short: they occur at every memory
 * access), read on entry and again after calls and memory.grow; labels `L{n}` for
 * blocks and loops, and `T{c}` wrapping the whole body: a trap is `break T{c}`,
 * and the one `throw trap(c)` per trap code sits after the body (a call V8
 * never saw executed inside a loop would stop TurboFan from peeling that loop).
 *
 * ## Values
 * - i32: a JS number holding a signed 32-bit integer (`x | 0`).
 * - i64: TWO JS numbers, low and high signed 32-bit halves. A stack slot, local,
 *   parameter or global of type i64 is a pair. BigInt appears only at the JS boundary.
 * - f32: a JS number that is exactly representable as float32 (`Math.fround` after
 *   every arithmetic operation). NaN payloads that the spec requires to be kept
 *   (load/store, reinterpret, abs/neg/copysign, locals, select) are kept by
 *   encoding the f32 NaN's bits into the double NaN's payload; see helpers
 *   `f32FromBits` / `f32ToBits`.
 * - f64: a JS number.
 * - funcref: a `FuncRef` record (below) or null. externref: any JS value, with
 *   `null` standing for ref.null.
 *
 * ## Functions
 * - Function `i` (imports first) is `f{i}` in factory scope, with the internal
 *   calling convention: parameters in order, an i64 parameter taking two JS
 *   parameters (lo, hi).
 * - Results: none → returns undefined. One non-i64 result → returned. One i64
 *   result → returns lo and stores hi in `HI[0]`. Two or more results → each is
 *   stored in `RV[0..]` in order (an i64 takes two entries: lo, hi) and the
 *   function returns undefined. The caller reads `HI`/`RV` right after the call.
 *   `HI` and `RV` are process-wide (helpers.ts), the same arrays in every
 *   instance, so a wasm function imported from another instance is called directly.
 * - Imported functions are adapted by the linker to this convention, so a call
 *   never needs to know whether the callee is JS or wasm.
 * - Call stack exhaustion is the JS engine's own RangeError, as in V8.
 *
 * ## FuncRef records (tables, ref.func, call_indirect, call_ref)
 * `{ fn, sig, js }`: `fn` the internal-convention function, `sig` its canonical
 * signature id (equal ids ⇔ equal function types, across modules), `js` the
 * exported JS function (created lazily, then cached; the same JS function for
 * the same record). `REF{i}` in factory scope is the record of function i
 * (one per instance, so ref.func returns identical values). The runtime's
 * records also carry `index` (the exported function's `name`); an imported
 * wasm function's REF{i} is the exporting instance's record itself.
 * `SIG{t}` in factory scope is the canonical signature id of type index t.
 *
 * ## Memories (index m)
 * `MEM{m}` is the memory's internal state object; the factory keeps views in
 * factory-scope variables refreshed whenever the memory grows or is replaced:
 * `DV{m}` (a `MemoryView`: a DataView whose accessors have one-letter
 * aliases, helpers.ts), `U8{m}` (Uint8Array), `I32_{m}` (Int32Array), `F64_{m}`
 * (Float64Array), `LEN{m}` (byte length, a number).
 * Every access checks `(addr >>> 0) > LEN{m} - (offset + size)` (in int32 and
 * doubles, never wrapping), else traps; a check implied by an earlier one on
 * the same local is left out (memory never shrinks). The access uses the
 * DataView (any alignment, little-endian), U8 for bytes, or I32_/F64_ where the
 * compiler has proved the address aligned (only when the compiling host is
 * little-endian, so sources are specific to the byte order of that host).
 * `memoryGrow(MEM{m}, deltaPages)` returns the old size in pages or -1; the
 * memory refreshes every instance's views before it returns. (`MEM{m}` is a
 * runtime `WasmMemory`: `grow(deltaPages)`, `buffer`, `pages`.)
 *
 * ## Tables (index t)
 * `TBL{t}` is the table's element array (a JS Array that grows in place, so
 * the reference never changes). Its `length` is the table size; its `max`
 * property is the table's maximum size or null (for `tableGrow`).
 *
 * ## Globals (index g)
 * `G{g}` is a cell object shared with `WebAssembly.Global` and with other
 * instances that import it: `{ v }`, and for i64 `{ v: lo, h: hi }`. An
 * immutable global's value is also in `GV{g}` (and `GH{g}`, the i64 high half;
 * `GU{g}`, `GV{g} >>> 0` for an i32 or i64 global, for unsigned arithmetic):
 * the factory's epilogue returns `globals()`, which the instance calls once the
 * initializers have run, before any function runs.
 *
 * ## Segments
 * `DATA[d]`: Uint8Array of data segment d (empty after data.drop).
 * `ELEM[e]`: array of reference values of element segment e (empty after elem.drop).
 *
 * ## Traps
 * `throw trap(code)` where code is one of `TrapCode`; `trap` returns a
 * `WebAssembly.RuntimeError` with the message native V8 uses. Generated code
 * throws only at the end of a function (see above); helpers throw directly.
 */

/**
 * The prefixes of the factory-scope bindings: binding `{prefix}{index}`. The
 * emitter builds its name tables from these (compiler `js/names.ts`), the
 * instance's prelude binds them through `Names`.
 */
export const Binding = {
  func: 'f',
  funcRef: 'REF',
  sig: 'SIG',
  memory: 'MEM',
  dataView: 'DV',
  bytes: 'U8',
  int32s: 'I32_',
  float64s: 'F64_',
  byteLength: 'LEN',
  table: 'TBL',
  global: 'G',
  globalValue: 'GV',
  globalHi: 'GH',
  globalUnsigned: 'GU',
} as const;

/** Names of the factory-scope bindings, as the emitter writes them. */
export const Names = {
  func: (i: number) => `${Binding.func}${i}`,
  funcRef: (i: number) => `${Binding.funcRef}${i}`,
  sig: (typeIndex: number) => `${Binding.sig}${typeIndex}`,
  memory: (m: number) => `${Binding.memory}${m}`,
  dataView: (m: number) => `${Binding.dataView}${m}`,
  bytes: (m: number) => `${Binding.bytes}${m}`,
  int32s: (m: number) => `${Binding.int32s}${m}`,
  float64s: (m: number) => `${Binding.float64s}${m}`,
  byteLength: (m: number) => `${Binding.byteLength}${m}`,
  table: (t: number) => `${Binding.table}${t}`,
  global: (g: number) => `${Binding.global}${g}`,
  globalValue: (g: number) => `${Binding.globalValue}${g}`,
  globalHi: (g: number) => `${Binding.globalHi}${g}`,
  globalUnsigned: (g: number) => `${Binding.globalUnsigned}${g}`,
  hi: 'HI',
  results: 'RV',
  data: 'DATA',
  elem: 'ELEM',
} as const;

/** Trap kinds; messages follow V8's so error text matches the native engine. */
export const TrapCode = {
  unreachable: 0,
  memoryOutOfBounds: 1,
  divideByZero: 2,
  integerOverflow: 3,
  invalidConversion: 4,
  tableOutOfBounds: 5,
  nullFunction: 6,
  signatureMismatch: 7,
  elementSegmentOutOfBounds: 8,
  dataSegmentOutOfBounds: 9,
  nullReference: 10,
  undefinedElement: 11,
  remainderByZero: 12,
} as const;
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

export const trapMessages: Record<TrapCode, string> = {
  0: 'unreachable',
  1: 'memory access out of bounds',
  2: 'divide by zero',
  3: 'divide result unrepresentable',
  4: 'float unrepresentable in integer range',
  5: 'table index is out of bounds',
  6: 'null function or function signature mismatch',
  7: 'null function or function signature mismatch',
  8: 'element segment out of bounds',
  9: 'data segment out of bounds',
  10: 'dereferencing a null pointer',
  11: 'table index is out of bounds',
  12: 'remainder by zero',
};

/** The internal-convention function and its identity for tables and ref.func. */
export interface FuncRef {
  fn: (...args: never[]) => unknown;
  sig: number;
  js: ((...args: never[]) => unknown) | null;
}

/** Internal global cell shared by instances and WebAssembly.Global. */
export interface GlobalCell {
  v: unknown;
  h?: number;
}

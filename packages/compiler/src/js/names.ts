/**
 * The names generated code writes, each made once: variables of a function
 * (slots, locals, their i64 high halves), factory bindings (ABI `Binding`),
 * jumps and labels, and the memory bindings with their one-letter local copies.
 *
 * The compiler writes a name at nearly every instruction, and each template
 * string is an allocation or two: compiling esbuild-wasm allocated about
 * 1.9 GB, and its young-generation GCs took about a fifth of the time (more on
 * worker threads, whose GC helpers compete with the compile threads).
 */
import { Binding, TrapCode } from '@wasmloom/binary';

/**
 * `{prefix}{i}{suffix}` for i = 0, 1, ...: made once per index. With `spill`,
 * an index from `spill.from` on names an array element, `{array}[{i}]{suffix}`.
 */
export class NameTable {
  private readonly names: string[] = [];
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly spill: { from: number; array: string } | null;

  constructor(prefix: string, suffix = '', spill: { from: number; array: string } | null = null) {
    this.prefix = prefix;
    this.suffix = suffix;
    this.spill = spill;
  }

  get(i: number): string {
    const names = this.names;
    if (i < names.length) return names[i];
    if (this.spill !== null && i >= this.spill.from) return `${this.spill.array}[${i}]${this.suffix}`;
    // Filled in order (a packed array); an index past the cap is made each time.
    if (i >= NAME_TABLE_MAX) return `${this.prefix}${i}${this.suffix}`;
    while (names.length <= i) names.push(`${this.prefix}${names.length}${this.suffix}`);
    return names[i];
  }
}

/** Indices a `NameTable` keeps names for (locals go up to 50,000 and functions past 100,000, nearly all modules use far fewer). */
const NAME_TABLE_MAX = 16384;

/**
 * Stack heights from which slots are elements of the arrays `$S` and `$T`
 * instead of variables. Each variable is a register of the function's frame in
 * V8's interpreter, on the machine stack: 100,000 of them (a valid body that
 * pushes 100,000 constants before adding them up) overflow it on the call.
 */
export const SPILL_HEIGHT = 4096;
const S_SPILL = { from: SPILL_HEIGHT, array: '$S' };
const T_SPILL = { from: SPILL_HEIGHT, array: '$T' };

/** Slot `s{h}`, its high half `t{h}`, local `l{k}`, its high half `k{k}`. */
export const S_NAME = new NameTable('s', '', S_SPILL);
export const T_NAME = new NameTable('t', '', T_SPILL);
export const L_NAME = new NameTable('l');
export const K_NAME = new NameTable('k');
/** `s{h}=`, `t{h}=`: the statements storing a slot. */
export const S_SET = new NameTable('s', '=', S_SPILL);
export const T_SET = new NameTable('t', '=', T_SPILL);
/** `l{k}=`, `k{k}=`: the statements storing a local. */
export const L_SET = new NameTable('l', '=');
export const K_SET = new NameTable('k', '=');
/** `f{i}(`: a call of function i. */
export const CALL_OPEN = new NameTable(Binding.func, '(');
/** `G{g}.v`, `G{g}.h`: a mutable global's value (i64: low half) and i64 high half (ABI); with `=`. */
export const GLOBAL_LO = new NameTable(Binding.global, '.v');
export const GLOBAL_HI = new NameTable(Binding.global, '.h');
export const GLOBAL_LO_SET = new NameTable(Binding.global, '.v=');
export const GLOBAL_HI_SET = new NameTable(Binding.global, '.h=');
/** `GV{g}`, `GH{g}`: an immutable global's value and i64 high half. */
export const GLOBAL_VALUE = new NameTable(Binding.globalValue);
export const GLOBAL_HIGH = new NameTable(Binding.globalHi);
/** `TBL{t}`, `SIG{t}`, `REF{i}`, `MEM{m}`: tables, signature ids, function records, memories. */
export const TABLE = new NameTable(Binding.table);
export const SIG = new NameTable(Binding.sig);
export const FUNC_REF = new NameTable(Binding.funcRef);
export const MEMORY = new NameTable(Binding.memory);
/** `break L{n};`, `continue L{n};`, `j={id};`: the jumps of a branch. */
export const BREAK_LABEL = new NameTable('break L', ';');
export const CONTINUE_LABEL = new NameTable('continue L', ';');
export const CASE_JUMP = new NameTable('j=', ';');
/** `case {i}:`: a br_table's cases. */
export const CASE_LABEL = new NameTable('case ', ':');
/** `break T{c};`: a trap's jump (see `JsFunctionState.trap`). */
export const TRAP_JUMP = new NameTable('break T', ';');

/**
 * A memory binding (ABI) and its function-local copy: `N{m}` for the byte
 * length `LEN{m}`, `D{m}` for the DataView `DV{m}`, `B{m}` for the bytes
 * `U8{m}`, `I{m}` and `F{m}` for `I32_{m}` and `F64_{m}`. One or two letters
 * fewer at each of the millions of accesses a large module has (esbuild-wasm:
 * 1.2 M DataView calls, 0.6 M bounds checks), and no factory binding or
 * helper has such a name (runtime instance.ts checks the helpers). Made once
 * per memory (`memNames`), so a `View` is also its own identity in `views`.
 */
export interface View {
  name: string;
  local: string;
}

/**
 * Memory m's bindings and the beginnings of the texts that name them, made
 * once: every access names some.
 */
export interface MemNames {
  len: View;
  dv: View;
  u8: View;
  i32: View;
  f64: View;
  /** `B{m}[` */
  u8Open: string;
  /** `if(N{m}<` and `>>>0>N{m}-`: a bounds check's text around its address and end (`checkText`). */
  checkConst: string;
  checkOver: string;
  /** `D{m}.i(`...: the DataView calls up to their address, and the f32 helpers'. */
  dvCalls: DvCalls;
}

export interface DvCalls {
  i: string;
  h: string;
  u: string;
  f: string;
  d: string;
  I: string;
  H: string;
  F: string;
  D: string;
  loadF32: string;
  storeF32: string;
}

const MEM_NAMES: MemNames[] = [];

export function memNames(m: number): MemNames {
  let names = MEM_NAMES[m];
  if (names === undefined) {
    const view = (name: string, letter: string): View => ({ name: `${name}${m}`, local: `${letter}${m}` });
    const len = view(Binding.byteLength, 'N');
    const dv = view(Binding.dataView, 'D');
    const u8 = view(Binding.bytes, 'B');
    const D = dv.local;
    names = {
      len,
      dv,
      u8,
      i32: view(Binding.int32s, 'I'),
      f64: view(Binding.float64s, 'F'),
      u8Open: `${u8.local}[`,
      checkConst: `if(${len.local}<`,
      checkOver: `>>>0>${len.local}-`,
      dvCalls: {
        i: `${D}.i(`,
        h: `${D}.h(`,
        u: `${D}.u(`,
        f: `${D}.f(`,
        d: `${D}.d(`,
        I: `${D}.I(`,
        H: `${D}.H(`,
        F: `${D}.F(`,
        D: `${D}.D(`,
        loadF32: `loadF32(${D},`,
        storeF32: `storeF32(${D},`,
      },
    };
    MEM_NAMES[m] = names;
  }
  return names;
}

/** The ends of a little-endian DataView read and write (`D0.i(a,true)`, `D0.I(a,v,true);`). */
export const LE_END = ',true)';
export const LE_STORE_END = ',true);';
/** The end of a bounds check: the out-of-bounds trap's jump (see `JsFunctionState.trap`). */
export const CHECK_END = `)${TRAP_JUMP.get(TrapCode.memoryOutOfBounds)}`;

/** A variable of a function's source: a local, slot, the scratches, a memory binding's or `$` copy (ABI). */
export const VARIABLE = /(?<![\w$.])(?:[lkstDNBIF]\d+|x|j|\$[A-Za-z_]\w*)(?![\w$])/g;
/** An assignment to one (group 1); comparisons (`<=`, `>=`, `==`) are not. */
export const ASSIGNED = /(?<![\w$.])([lkstDNBIF]\d+|x|j|\$[A-Za-z_]\w*)(?:=(?!=)|[-+*/%&|^]=|<<=|>>>?=)/g;

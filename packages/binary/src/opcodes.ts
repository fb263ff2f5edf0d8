/**
 * The one opcode table of wasmloom: every instruction the engine knows, with its
 * text name, binary encoding, immediate kind, the feature that enables it,
 * for simple instructions its fixed stack effect, for memory accesses their
 * natural alignment (and so access size), its family, whether it is allowed in
 * a constant expression and whether its f32 operands may be read quieted. The
 * operator reader, the validator, the emitter and the disassembler all read
 * this table; nothing else lists opcodes.
 *
 * Operator ids: a single-byte opcode is the byte itself; a prefixed opcode is
 * `(prefix << 16) | subopcode` (memory.copy = 0xfc000a, i8x16.shuffle = 0xfd000d).
 * `Op.<key>` names every id: the key is the text name with '.', '/' and ' '
 * replaced by '_' (`Op.i32_trunc_sat_f32_s`, `Op.ref_test_null`).
 *
 * Two opcodes share a text keyword with another opcode; their unique `name`
 * adds a word after a space and `mnemonic` is the keyword alone:
 * `select t` (0x1c, `select (result t)`), `ref.test null` / `ref.cast null`
 * (0xfb15 / 0xfb17, `ref.test (ref null ht)`).
 *
 * Coverage: WebAssembly 2.0 (MVP, sign extension, saturating float-to-int, bulk
 * memory, reference types, SIMD) and the proposals relaxed SIMD, threads,
 * exception handling (legacy try/catch/delegate/rethrow and try_table/throw_ref),
 * tail calls, function references and GC (final binary encoding). Multi-memory,
 * memory64 and extended-const add no opcodes.
 */
import type { FeatureName, Features, ValType } from './types.js';

/** Immediate kinds: what follows the opcode in the binary. */
export const Imm = {
  /** Nothing. */
  none: 0,
  /** blocktype: 0x40, a value type, or an s33 type index. */
  blockType: 1,
  /** labelidx (br, br_if, br_on_null, br_on_non_null, rethrow, delegate). */
  label: 2,
  /** vec(labelidx) labelidx. */
  brTable: 3,
  /** funcidx (call, return_call, ref.func). */
  func: 4,
  /** typeidx tableidx (a 0x00 byte without reference types). */
  callIndirect: 5,
  local: 6,
  global: 7,
  /** tableidx (table.get/set/grow/size/fill). */
  table: 8,
  /** align flags (bit 6: memidx follows, with multi-memory), offset (u64 with memory64). */
  memarg: 9,
  /** memidx: a 0x00 byte without multi-memory (memory.size/grow/fill). */
  memory: 10,
  i32: 11,
  i64: 12,
  f32: 13,
  f64: 14,
  /** vec(valtype) (select with types). */
  selectT: 15,
  /** heaptype (ref.null). */
  refNull: 16,
  /** dataidx memidx. */
  memoryInit: 17,
  /** dataidx (data.drop). */
  data: 18,
  /** memidx (destination) memidx (source). */
  memoryCopy: 19,
  /** elemidx tableidx. */
  tableInit: 20,
  /** elemidx (elem.drop). */
  elem: 21,
  /** tableidx (destination) tableidx (source). */
  tableCopy: 22,
  /** 16 raw bytes (v128.const). */
  v128: 23,
  /** one lane-index byte. */
  lane: 24,
  /** memarg, then one lane-index byte. */
  memargLane: 25,
  /** 16 lane-index bytes (i8x16.shuffle). */
  shuffle: 26,
  /** tagidx (throw, catch). */
  tag: 27,
  /** blocktype vec(catch) (try_table). */
  tryTable: 28,
  /** typeidx (call_ref, struct.new, array.get, ...). */
  type: 29,
  /** typeidx fieldidx (struct.get/set). */
  typeField: 30,
  /** typeidx typeidx (array.copy: destination, source). */
  typeType: 31,
  /** typeidx dataidx (array.new_data, array.init_data). */
  typeData: 32,
  /** typeidx elemidx (array.new_elem, array.init_elem). */
  typeElem: 33,
  /** typeidx u32 (array.new_fixed). */
  typeN: 34,
  /** castflags labelidx heaptype heaptype (br_on_cast, br_on_cast_fail). */
  brOnCast: 35,
  /** heaptype (ref.test, ref.cast and their null forms). */
  heapType: 36,
  /** one 0x00 byte (atomic.fence). */
  atomicFence: 37,
} as const;
export type ImmKind = (typeof Imm)[keyof typeof Imm];

/** Prefix bytes of multi-byte opcodes. */
export const Prefix = { gc: 0xfb, misc: 0xfc, simd: 0xfd, atomic: 0xfe } as const;

export const Op = {
  // single-byte opcodes
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  try: 0x06,
  catch: 0x07,
  throw: 0x08,
  rethrow: 0x09,
  throw_ref: 0x0a,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  return_call: 0x12,
  return_call_indirect: 0x13,
  call_ref: 0x14,
  return_call_ref: 0x15,
  delegate: 0x18,
  catch_all: 0x19,
  drop: 0x1a,
  select: 0x1b,
  select_t: 0x1c,
  try_table: 0x1f,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  table_get: 0x25,
  table_set: 0x26,
  i32_load: 0x28,
  i64_load: 0x29,
  f32_load: 0x2a,
  f64_load: 0x2b,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  f32_store: 0x38,
  f64_store: 0x39,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  memory_size: 0x3f,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  f32_const: 0x43,
  f64_const: 0x44,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  f32_eq: 0x5b,
  f32_ne: 0x5c,
  f32_lt: 0x5d,
  f32_gt: 0x5e,
  f32_le: 0x5f,
  f32_ge: 0x60,
  f64_eq: 0x61,
  f64_ne: 0x62,
  f64_lt: 0x63,
  f64_gt: 0x64,
  f64_le: 0x65,
  f64_ge: 0x66,
  i32_clz: 0x67,
  i32_ctz: 0x68,
  i32_popcnt: 0x69,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i32_rotr: 0x78,
  i64_clz: 0x79,
  i64_ctz: 0x7a,
  i64_popcnt: 0x7b,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i64_rotl: 0x89,
  i64_rotr: 0x8a,
  f32_abs: 0x8b,
  f32_neg: 0x8c,
  f32_ceil: 0x8d,
  f32_floor: 0x8e,
  f32_trunc: 0x8f,
  f32_nearest: 0x90,
  f32_sqrt: 0x91,
  f32_add: 0x92,
  f32_sub: 0x93,
  f32_mul: 0x94,
  f32_div: 0x95,
  f32_min: 0x96,
  f32_max: 0x97,
  f32_copysign: 0x98,
  f64_abs: 0x99,
  f64_neg: 0x9a,
  f64_ceil: 0x9b,
  f64_floor: 0x9c,
  f64_trunc: 0x9d,
  f64_nearest: 0x9e,
  f64_sqrt: 0x9f,
  f64_add: 0xa0,
  f64_sub: 0xa1,
  f64_mul: 0xa2,
  f64_div: 0xa3,
  f64_min: 0xa4,
  f64_max: 0xa5,
  f64_copysign: 0xa6,
  i32_wrap_i64: 0xa7,
  i32_trunc_f32_s: 0xa8,
  i32_trunc_f32_u: 0xa9,
  i32_trunc_f64_s: 0xaa,
  i32_trunc_f64_u: 0xab,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i64_trunc_f32_s: 0xae,
  i64_trunc_f32_u: 0xaf,
  i64_trunc_f64_s: 0xb0,
  i64_trunc_f64_u: 0xb1,
  f32_convert_i32_s: 0xb2,
  f32_convert_i32_u: 0xb3,
  f32_convert_i64_s: 0xb4,
  f32_convert_i64_u: 0xb5,
  f32_demote_f64: 0xb6,
  f64_convert_i32_s: 0xb7,
  f64_convert_i32_u: 0xb8,
  f64_convert_i64_s: 0xb9,
  f64_convert_i64_u: 0xba,
  f64_promote_f32: 0xbb,
  i32_reinterpret_f32: 0xbc,
  i64_reinterpret_f64: 0xbd,
  f32_reinterpret_i32: 0xbe,
  f64_reinterpret_i64: 0xbf,
  i32_extend8_s: 0xc0,
  i32_extend16_s: 0xc1,
  i64_extend8_s: 0xc2,
  i64_extend16_s: 0xc3,
  i64_extend32_s: 0xc4,
  ref_null: 0xd0,
  ref_is_null: 0xd1,
  ref_func: 0xd2,
  ref_eq: 0xd3,
  ref_as_non_null: 0xd4,
  br_on_null: 0xd5,
  br_on_non_null: 0xd6,
  // 0xFB: GC
  struct_new: 0xfb0000,
  struct_new_default: 0xfb0001,
  struct_get: 0xfb0002,
  struct_get_s: 0xfb0003,
  struct_get_u: 0xfb0004,
  struct_set: 0xfb0005,
  array_new: 0xfb0006,
  array_new_default: 0xfb0007,
  array_new_fixed: 0xfb0008,
  array_new_data: 0xfb0009,
  array_new_elem: 0xfb000a,
  array_get: 0xfb000b,
  array_get_s: 0xfb000c,
  array_get_u: 0xfb000d,
  array_set: 0xfb000e,
  array_len: 0xfb000f,
  array_fill: 0xfb0010,
  array_copy: 0xfb0011,
  array_init_data: 0xfb0012,
  array_init_elem: 0xfb0013,
  ref_test: 0xfb0014,
  ref_test_null: 0xfb0015,
  ref_cast: 0xfb0016,
  ref_cast_null: 0xfb0017,
  br_on_cast: 0xfb0018,
  br_on_cast_fail: 0xfb0019,
  any_convert_extern: 0xfb001a,
  extern_convert_any: 0xfb001b,
  ref_i31: 0xfb001c,
  i31_get_s: 0xfb001d,
  i31_get_u: 0xfb001e,
  // 0xFC: saturating truncation, bulk memory, tables
  i32_trunc_sat_f32_s: 0xfc0000,
  i32_trunc_sat_f32_u: 0xfc0001,
  i32_trunc_sat_f64_s: 0xfc0002,
  i32_trunc_sat_f64_u: 0xfc0003,
  i64_trunc_sat_f32_s: 0xfc0004,
  i64_trunc_sat_f32_u: 0xfc0005,
  i64_trunc_sat_f64_s: 0xfc0006,
  i64_trunc_sat_f64_u: 0xfc0007,
  memory_init: 0xfc0008,
  data_drop: 0xfc0009,
  memory_copy: 0xfc000a,
  memory_fill: 0xfc000b,
  table_init: 0xfc000c,
  elem_drop: 0xfc000d,
  table_copy: 0xfc000e,
  table_grow: 0xfc000f,
  table_size: 0xfc0010,
  table_fill: 0xfc0011,
  // 0xFD: SIMD and relaxed SIMD
  v128_load: 0xfd0000,
  v128_load8x8_s: 0xfd0001,
  v128_load8x8_u: 0xfd0002,
  v128_load16x4_s: 0xfd0003,
  v128_load16x4_u: 0xfd0004,
  v128_load32x2_s: 0xfd0005,
  v128_load32x2_u: 0xfd0006,
  v128_load8_splat: 0xfd0007,
  v128_load16_splat: 0xfd0008,
  v128_load32_splat: 0xfd0009,
  v128_load64_splat: 0xfd000a,
  v128_store: 0xfd000b,
  v128_const: 0xfd000c,
  i8x16_shuffle: 0xfd000d,
  i8x16_swizzle: 0xfd000e,
  i8x16_splat: 0xfd000f,
  i16x8_splat: 0xfd0010,
  i32x4_splat: 0xfd0011,
  i64x2_splat: 0xfd0012,
  f32x4_splat: 0xfd0013,
  f64x2_splat: 0xfd0014,
  i8x16_extract_lane_s: 0xfd0015,
  i8x16_extract_lane_u: 0xfd0016,
  i8x16_replace_lane: 0xfd0017,
  i16x8_extract_lane_s: 0xfd0018,
  i16x8_extract_lane_u: 0xfd0019,
  i16x8_replace_lane: 0xfd001a,
  i32x4_extract_lane: 0xfd001b,
  i32x4_replace_lane: 0xfd001c,
  i64x2_extract_lane: 0xfd001d,
  i64x2_replace_lane: 0xfd001e,
  f32x4_extract_lane: 0xfd001f,
  f32x4_replace_lane: 0xfd0020,
  f64x2_extract_lane: 0xfd0021,
  f64x2_replace_lane: 0xfd0022,
  i8x16_eq: 0xfd0023,
  i8x16_ne: 0xfd0024,
  i8x16_lt_s: 0xfd0025,
  i8x16_lt_u: 0xfd0026,
  i8x16_gt_s: 0xfd0027,
  i8x16_gt_u: 0xfd0028,
  i8x16_le_s: 0xfd0029,
  i8x16_le_u: 0xfd002a,
  i8x16_ge_s: 0xfd002b,
  i8x16_ge_u: 0xfd002c,
  i16x8_eq: 0xfd002d,
  i16x8_ne: 0xfd002e,
  i16x8_lt_s: 0xfd002f,
  i16x8_lt_u: 0xfd0030,
  i16x8_gt_s: 0xfd0031,
  i16x8_gt_u: 0xfd0032,
  i16x8_le_s: 0xfd0033,
  i16x8_le_u: 0xfd0034,
  i16x8_ge_s: 0xfd0035,
  i16x8_ge_u: 0xfd0036,
  i32x4_eq: 0xfd0037,
  i32x4_ne: 0xfd0038,
  i32x4_lt_s: 0xfd0039,
  i32x4_lt_u: 0xfd003a,
  i32x4_gt_s: 0xfd003b,
  i32x4_gt_u: 0xfd003c,
  i32x4_le_s: 0xfd003d,
  i32x4_le_u: 0xfd003e,
  i32x4_ge_s: 0xfd003f,
  i32x4_ge_u: 0xfd0040,
  f32x4_eq: 0xfd0041,
  f32x4_ne: 0xfd0042,
  f32x4_lt: 0xfd0043,
  f32x4_gt: 0xfd0044,
  f32x4_le: 0xfd0045,
  f32x4_ge: 0xfd0046,
  f64x2_eq: 0xfd0047,
  f64x2_ne: 0xfd0048,
  f64x2_lt: 0xfd0049,
  f64x2_gt: 0xfd004a,
  f64x2_le: 0xfd004b,
  f64x2_ge: 0xfd004c,
  v128_not: 0xfd004d,
  v128_and: 0xfd004e,
  v128_andnot: 0xfd004f,
  v128_or: 0xfd0050,
  v128_xor: 0xfd0051,
  v128_bitselect: 0xfd0052,
  v128_any_true: 0xfd0053,
  v128_load8_lane: 0xfd0054,
  v128_load16_lane: 0xfd0055,
  v128_load32_lane: 0xfd0056,
  v128_load64_lane: 0xfd0057,
  v128_store8_lane: 0xfd0058,
  v128_store16_lane: 0xfd0059,
  v128_store32_lane: 0xfd005a,
  v128_store64_lane: 0xfd005b,
  v128_load32_zero: 0xfd005c,
  v128_load64_zero: 0xfd005d,
  f32x4_demote_f64x2_zero: 0xfd005e,
  f64x2_promote_low_f32x4: 0xfd005f,
  i8x16_abs: 0xfd0060,
  i8x16_neg: 0xfd0061,
  i8x16_popcnt: 0xfd0062,
  i8x16_all_true: 0xfd0063,
  i8x16_bitmask: 0xfd0064,
  i8x16_narrow_i16x8_s: 0xfd0065,
  i8x16_narrow_i16x8_u: 0xfd0066,
  f32x4_ceil: 0xfd0067,
  f32x4_floor: 0xfd0068,
  f32x4_trunc: 0xfd0069,
  f32x4_nearest: 0xfd006a,
  i8x16_shl: 0xfd006b,
  i8x16_shr_s: 0xfd006c,
  i8x16_shr_u: 0xfd006d,
  i8x16_add: 0xfd006e,
  i8x16_add_sat_s: 0xfd006f,
  i8x16_add_sat_u: 0xfd0070,
  i8x16_sub: 0xfd0071,
  i8x16_sub_sat_s: 0xfd0072,
  i8x16_sub_sat_u: 0xfd0073,
  f64x2_ceil: 0xfd0074,
  f64x2_floor: 0xfd0075,
  i8x16_min_s: 0xfd0076,
  i8x16_min_u: 0xfd0077,
  i8x16_max_s: 0xfd0078,
  i8x16_max_u: 0xfd0079,
  f64x2_trunc: 0xfd007a,
  i8x16_avgr_u: 0xfd007b,
  i16x8_extadd_pairwise_i8x16_s: 0xfd007c,
  i16x8_extadd_pairwise_i8x16_u: 0xfd007d,
  i32x4_extadd_pairwise_i16x8_s: 0xfd007e,
  i32x4_extadd_pairwise_i16x8_u: 0xfd007f,
  i16x8_abs: 0xfd0080,
  i16x8_neg: 0xfd0081,
  i16x8_q15mulr_sat_s: 0xfd0082,
  i16x8_all_true: 0xfd0083,
  i16x8_bitmask: 0xfd0084,
  i16x8_narrow_i32x4_s: 0xfd0085,
  i16x8_narrow_i32x4_u: 0xfd0086,
  i16x8_extend_low_i8x16_s: 0xfd0087,
  i16x8_extend_high_i8x16_s: 0xfd0088,
  i16x8_extend_low_i8x16_u: 0xfd0089,
  i16x8_extend_high_i8x16_u: 0xfd008a,
  i16x8_shl: 0xfd008b,
  i16x8_shr_s: 0xfd008c,
  i16x8_shr_u: 0xfd008d,
  i16x8_add: 0xfd008e,
  i16x8_add_sat_s: 0xfd008f,
  i16x8_add_sat_u: 0xfd0090,
  i16x8_sub: 0xfd0091,
  i16x8_sub_sat_s: 0xfd0092,
  i16x8_sub_sat_u: 0xfd0093,
  f64x2_nearest: 0xfd0094,
  i16x8_mul: 0xfd0095,
  i16x8_min_s: 0xfd0096,
  i16x8_min_u: 0xfd0097,
  i16x8_max_s: 0xfd0098,
  i16x8_max_u: 0xfd0099,
  i16x8_avgr_u: 0xfd009b,
  i16x8_extmul_low_i8x16_s: 0xfd009c,
  i16x8_extmul_high_i8x16_s: 0xfd009d,
  i16x8_extmul_low_i8x16_u: 0xfd009e,
  i16x8_extmul_high_i8x16_u: 0xfd009f,
  i32x4_abs: 0xfd00a0,
  i32x4_neg: 0xfd00a1,
  i32x4_all_true: 0xfd00a3,
  i32x4_bitmask: 0xfd00a4,
  i32x4_extend_low_i16x8_s: 0xfd00a7,
  i32x4_extend_high_i16x8_s: 0xfd00a8,
  i32x4_extend_low_i16x8_u: 0xfd00a9,
  i32x4_extend_high_i16x8_u: 0xfd00aa,
  i32x4_shl: 0xfd00ab,
  i32x4_shr_s: 0xfd00ac,
  i32x4_shr_u: 0xfd00ad,
  i32x4_add: 0xfd00ae,
  i32x4_sub: 0xfd00b1,
  i32x4_mul: 0xfd00b5,
  i32x4_min_s: 0xfd00b6,
  i32x4_min_u: 0xfd00b7,
  i32x4_max_s: 0xfd00b8,
  i32x4_max_u: 0xfd00b9,
  i32x4_dot_i16x8_s: 0xfd00ba,
  i32x4_extmul_low_i16x8_s: 0xfd00bc,
  i32x4_extmul_high_i16x8_s: 0xfd00bd,
  i32x4_extmul_low_i16x8_u: 0xfd00be,
  i32x4_extmul_high_i16x8_u: 0xfd00bf,
  i64x2_abs: 0xfd00c0,
  i64x2_neg: 0xfd00c1,
  i64x2_all_true: 0xfd00c3,
  i64x2_bitmask: 0xfd00c4,
  i64x2_extend_low_i32x4_s: 0xfd00c7,
  i64x2_extend_high_i32x4_s: 0xfd00c8,
  i64x2_extend_low_i32x4_u: 0xfd00c9,
  i64x2_extend_high_i32x4_u: 0xfd00ca,
  i64x2_shl: 0xfd00cb,
  i64x2_shr_s: 0xfd00cc,
  i64x2_shr_u: 0xfd00cd,
  i64x2_add: 0xfd00ce,
  i64x2_sub: 0xfd00d1,
  i64x2_mul: 0xfd00d5,
  i64x2_eq: 0xfd00d6,
  i64x2_ne: 0xfd00d7,
  i64x2_lt_s: 0xfd00d8,
  i64x2_gt_s: 0xfd00d9,
  i64x2_le_s: 0xfd00da,
  i64x2_ge_s: 0xfd00db,
  i64x2_extmul_low_i32x4_s: 0xfd00dc,
  i64x2_extmul_high_i32x4_s: 0xfd00dd,
  i64x2_extmul_low_i32x4_u: 0xfd00de,
  i64x2_extmul_high_i32x4_u: 0xfd00df,
  f32x4_abs: 0xfd00e0,
  f32x4_neg: 0xfd00e1,
  f32x4_sqrt: 0xfd00e3,
  f32x4_add: 0xfd00e4,
  f32x4_sub: 0xfd00e5,
  f32x4_mul: 0xfd00e6,
  f32x4_div: 0xfd00e7,
  f32x4_min: 0xfd00e8,
  f32x4_max: 0xfd00e9,
  f32x4_pmin: 0xfd00ea,
  f32x4_pmax: 0xfd00eb,
  f64x2_abs: 0xfd00ec,
  f64x2_neg: 0xfd00ed,
  f64x2_sqrt: 0xfd00ef,
  f64x2_add: 0xfd00f0,
  f64x2_sub: 0xfd00f1,
  f64x2_mul: 0xfd00f2,
  f64x2_div: 0xfd00f3,
  f64x2_min: 0xfd00f4,
  f64x2_max: 0xfd00f5,
  f64x2_pmin: 0xfd00f6,
  f64x2_pmax: 0xfd00f7,
  i32x4_trunc_sat_f32x4_s: 0xfd00f8,
  i32x4_trunc_sat_f32x4_u: 0xfd00f9,
  f32x4_convert_i32x4_s: 0xfd00fa,
  f32x4_convert_i32x4_u: 0xfd00fb,
  i32x4_trunc_sat_f64x2_s_zero: 0xfd00fc,
  i32x4_trunc_sat_f64x2_u_zero: 0xfd00fd,
  f64x2_convert_low_i32x4_s: 0xfd00fe,
  f64x2_convert_low_i32x4_u: 0xfd00ff,
  i8x16_relaxed_swizzle: 0xfd0100,
  i32x4_relaxed_trunc_f32x4_s: 0xfd0101,
  i32x4_relaxed_trunc_f32x4_u: 0xfd0102,
  i32x4_relaxed_trunc_f64x2_s_zero: 0xfd0103,
  i32x4_relaxed_trunc_f64x2_u_zero: 0xfd0104,
  f32x4_relaxed_madd: 0xfd0105,
  f32x4_relaxed_nmadd: 0xfd0106,
  f64x2_relaxed_madd: 0xfd0107,
  f64x2_relaxed_nmadd: 0xfd0108,
  i8x16_relaxed_laneselect: 0xfd0109,
  i16x8_relaxed_laneselect: 0xfd010a,
  i32x4_relaxed_laneselect: 0xfd010b,
  i64x2_relaxed_laneselect: 0xfd010c,
  f32x4_relaxed_min: 0xfd010d,
  f32x4_relaxed_max: 0xfd010e,
  f64x2_relaxed_min: 0xfd010f,
  f64x2_relaxed_max: 0xfd0110,
  i16x8_relaxed_q15mulr_s: 0xfd0111,
  i16x8_relaxed_dot_i8x16_i7x16_s: 0xfd0112,
  i32x4_relaxed_dot_i8x16_i7x16_add_s: 0xfd0113,
  // 0xFE: threads (atomics)
  memory_atomic_notify: 0xfe0000,
  memory_atomic_wait32: 0xfe0001,
  memory_atomic_wait64: 0xfe0002,
  atomic_fence: 0xfe0003,
  i32_atomic_load: 0xfe0010,
  i64_atomic_load: 0xfe0011,
  i32_atomic_load8_u: 0xfe0012,
  i32_atomic_load16_u: 0xfe0013,
  i64_atomic_load8_u: 0xfe0014,
  i64_atomic_load16_u: 0xfe0015,
  i64_atomic_load32_u: 0xfe0016,
  i32_atomic_store: 0xfe0017,
  i64_atomic_store: 0xfe0018,
  i32_atomic_store8: 0xfe0019,
  i32_atomic_store16: 0xfe001a,
  i64_atomic_store8: 0xfe001b,
  i64_atomic_store16: 0xfe001c,
  i64_atomic_store32: 0xfe001d,
  i32_atomic_rmw_add: 0xfe001e,
  i64_atomic_rmw_add: 0xfe001f,
  i32_atomic_rmw8_add_u: 0xfe0020,
  i32_atomic_rmw16_add_u: 0xfe0021,
  i64_atomic_rmw8_add_u: 0xfe0022,
  i64_atomic_rmw16_add_u: 0xfe0023,
  i64_atomic_rmw32_add_u: 0xfe0024,
  i32_atomic_rmw_sub: 0xfe0025,
  i64_atomic_rmw_sub: 0xfe0026,
  i32_atomic_rmw8_sub_u: 0xfe0027,
  i32_atomic_rmw16_sub_u: 0xfe0028,
  i64_atomic_rmw8_sub_u: 0xfe0029,
  i64_atomic_rmw16_sub_u: 0xfe002a,
  i64_atomic_rmw32_sub_u: 0xfe002b,
  i32_atomic_rmw_and: 0xfe002c,
  i64_atomic_rmw_and: 0xfe002d,
  i32_atomic_rmw8_and_u: 0xfe002e,
  i32_atomic_rmw16_and_u: 0xfe002f,
  i64_atomic_rmw8_and_u: 0xfe0030,
  i64_atomic_rmw16_and_u: 0xfe0031,
  i64_atomic_rmw32_and_u: 0xfe0032,
  i32_atomic_rmw_or: 0xfe0033,
  i64_atomic_rmw_or: 0xfe0034,
  i32_atomic_rmw8_or_u: 0xfe0035,
  i32_atomic_rmw16_or_u: 0xfe0036,
  i64_atomic_rmw8_or_u: 0xfe0037,
  i64_atomic_rmw16_or_u: 0xfe0038,
  i64_atomic_rmw32_or_u: 0xfe0039,
  i32_atomic_rmw_xor: 0xfe003a,
  i64_atomic_rmw_xor: 0xfe003b,
  i32_atomic_rmw8_xor_u: 0xfe003c,
  i32_atomic_rmw16_xor_u: 0xfe003d,
  i64_atomic_rmw8_xor_u: 0xfe003e,
  i64_atomic_rmw16_xor_u: 0xfe003f,
  i64_atomic_rmw32_xor_u: 0xfe0040,
  i32_atomic_rmw_xchg: 0xfe0041,
  i64_atomic_rmw_xchg: 0xfe0042,
  i32_atomic_rmw8_xchg_u: 0xfe0043,
  i32_atomic_rmw16_xchg_u: 0xfe0044,
  i64_atomic_rmw8_xchg_u: 0xfe0045,
  i64_atomic_rmw16_xchg_u: 0xfe0046,
  i64_atomic_rmw32_xchg_u: 0xfe0047,
  i32_atomic_rmw_cmpxchg: 0xfe0048,
  i64_atomic_rmw_cmpxchg: 0xfe0049,
  i32_atomic_rmw8_cmpxchg_u: 0xfe004a,
  i32_atomic_rmw16_cmpxchg_u: 0xfe004b,
  i64_atomic_rmw8_cmpxchg_u: 0xfe004c,
  i64_atomic_rmw16_cmpxchg_u: 0xfe004d,
  i64_atomic_rmw32_cmpxchg_u: 0xfe004e,
} as const;

export type OpKey = keyof typeof Op;
export type OpId = (typeof Op)[OpKey];

export interface OpInfo {
  /** Operator id (see the file header). */
  readonly id: number;
  /** Unique text name: 'i32.add', 'select t', 'ref.test null'. */
  readonly name: string;
  /** Text-format keyword: the name up to its first space ('select', 'ref.test'). */
  readonly mnemonic: string;
  /** The key of `Op` for this operator ('i32_add'). */
  readonly key: OpKey;
  /** Prefix byte (0xfb..0xfe), or 0 for a single-byte opcode. */
  readonly prefix: number;
  /** The opcode byte, or the subopcode after the prefix. */
  readonly code: number;
  readonly imm: ImmKind;
  /** The feature that enables the operator; null for MVP operators. */
  readonly feature: FeatureName | null;
  /**
   * Fixed stack effect, `params:results` in letters i=i32 I=i64 f=f32 F=f64 v=v128
   * ('ii:i', 'iv:', ':'); null when the effect depends on immediates or context.
   * Memory addresses and sizes are written as i32 (memory64 widens them).
   */
  readonly sig: string | null;
  /** `sig` decoded into value types; null when `sig` is null. */
  readonly params: readonly ValType[] | null;
  readonly results: readonly ValType[] | null;
  /**
   * log2 of the access width in bytes for memory accesses (memarg / memargLane
   * operators: the largest valid alignment; atomics require exactly it), else -1.
   * `1 << natAlign` is the access size memory operators use: the bytes an
   * access touches, which its bounds check adds to the offset.
   */
  readonly natAlign: number;
  /** The instruction family, which decides where an emitter handles the operator. */
  readonly family: OpFamily;
  /**
   * Takes f32 operands and its result does not depend on a NaN operand's
   * payload beyond it being a NaN (so an emitter may read an f32 operand with
   * a quieting float load): f32 arithmetic and comparisons, and the
   * conversions from f32. Not abs/neg/copysign (they keep the payload bits)
   * nor reinterpret (it exposes them).
   */
  readonly quietF32Operands: boolean;
  /** Allowed in a constant expression, given `constantFeature` (`constantEnabled`). */
  readonly constant: boolean;
  /**
   * The feature a constant expression needs, beyond the operator's own, to
   * allow this constant operator (extended-const arithmetic); null otherwise.
   */
  readonly constantFeature: FeatureName | null;
}

/**
 * Instruction families. Numeric operators are `i32`/`i64`/`f32`/`f64` by the
 * type prefix of their name (i32.wrap_i64 is `i32`, f64.promote_f32 `f64`);
 * `memory` holds the loads, stores, memory.size and memory.grow, `bulk` the
 * segment and copy/fill operators of memories and tables (not table.fill,
 * which is `table`), `gc` structs, arrays, i31, casts and the extern/any
 * conversions, `atomic` everything behind the 0xfe prefix.
 */
export type OpFamily =
  | 'control'
  | 'call'
  | 'parametric'
  | 'variable'
  | 'memory'
  | 'bulk'
  | 'table'
  | 'reference'
  | 'const'
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'simd'
  | 'atomic'
  | 'gc';

type Row = readonly [name: string, imm: ImmKind, sig: string | null, natAlign?: number];
type Group = readonly [feature: FeatureName | null, rows: readonly Row[]];

const SIG_TYPES: Record<string, ValType> = { i: 0x7f, I: 0x7e, f: 0x7d, F: 0x7c, v: 0x7b };

function sigTypes(s: string): ValType[] {
  const out: ValType[] = [];
  for (const c of s) {
    const t = SIG_TYPES[c];
    if (t === undefined) throw new Error(`opcodes: bad signature letter '${c}'`);
    out.push(t);
  }
  return out;
}

/** The family of a name's first word ('local' of local.get); see `familyOf`. */
const FAMILY_BY_HEAD: Readonly<Record<string, OpFamily>> = {
  local: 'variable',
  global: 'variable',
  memory: 'memory',
  table: 'table',
  data: 'bulk',
  elem: 'bulk',
  ref: 'reference',
  i32: 'i32',
  i64: 'i64',
  f32: 'f32',
  f64: 'f64',
  struct: 'gc',
  array: 'gc',
  i31: 'gc',
  any: 'gc',
  extern: 'gc',
};

function familyOf(name: string, imm: ImmKind, feature: FeatureName | null, prefix: number): OpFamily {
  if (prefix === Prefix.atomic) return 'atomic';
  if (feature === 'simd' || feature === 'relaxedSimd') return 'simd';
  const dot = name.indexOf('.');
  if (dot < 0) {
    if (name.startsWith('call') || name.startsWith('return_call')) return 'call';
    if (name === 'drop' || name.startsWith('select')) return 'parametric';
    return 'control';
  }
  const head = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  if ((head === 'memory' || head === 'table') && (rest === 'init' || rest === 'copy')) return 'bulk';
  if (name === 'memory.fill') return 'bulk';
  if (head === 'ref' && (rest === 'i31' || rest.startsWith('test') || rest.startsWith('cast'))) return 'gc';
  if (imm === Imm.memarg) return 'memory';
  if (rest === 'const') return 'const';
  const family = FAMILY_BY_HEAD[head];
  if (family === undefined) throw new Error(`opcodes: no family for '${name}'`);
  return family;
}

/** `quietF32Operands` (see there): a scalar operator with an f32 operand that does not copy its bits. */
function quietF32(name: string, family: OpFamily, params: readonly ValType[] | null): boolean {
  const scalar = family === 'i32' || family === 'i64' || family === 'f32' || family === 'f64';
  return (
    scalar && params?.includes(SIG_TYPES.f) === true && !/\.(abs|neg|copysign|reinterpret_f32)$/.test(name)
  );
}

/**
 * The constant instructions (3.0 spec, constant expressions) and the feature
 * each needs in a constant expression beyond its own: extended-const lets
 * i32/i64 add, sub and mul in. GC's are gated by the gc feature they belong to.
 */
const CONSTANT_OPS: Readonly<Record<string, FeatureName | null>> = {
  'i32.const': null,
  'i64.const': null,
  'f32.const': null,
  'f64.const': null,
  'v128.const': null,
  'global.get': null,
  'ref.null': null,
  'ref.func': null,
  'i32.add': 'extendedConst',
  'i32.sub': 'extendedConst',
  'i32.mul': 'extendedConst',
  'i64.add': 'extendedConst',
  'i64.sub': 'extendedConst',
  'i64.mul': 'extendedConst',
  'struct.new': null,
  'struct.new_default': null,
  'array.new': null,
  'array.new_default': null,
  'array.new_fixed': null,
  'ref.i31': null,
  'any.convert_extern': null,
  'extern.convert_any': null,
};

/** Every operator, ordered by id. */
export const OPCODES: readonly OpInfo[] = buildOpcodes();

// Dense lookup: single-byte opcodes by byte, prefixed ones by subopcode per prefix.
const SINGLE: (OpInfo | undefined)[] = new Array(256).fill(undefined);
const PREFIXED: (OpInfo | undefined)[][] = [[], [], [], []];
for (const info of OPCODES) {
  if (info.prefix === 0) SINGLE[info.code] = info;
  else {
    const t = PREFIXED[info.prefix - 0xfb];
    while (t.length <= info.code) t.push(undefined);
    t[info.code] = info;
  }
}

/** The operator with this id, or undefined. O(1). */
export function opInfo(id: number): OpInfo | undefined {
  const p = id >>> 16;
  if (p === 0) return SINGLE[id];
  if (p < 0xfb || p > 0xfe) return undefined;
  return PREFIXED[p - 0xfb][id & 0xffff];
}

/** Number of subopcodes of a prefix the table knows (highest + 1); 256 for prefix 0. */
export function prefixSize(prefix: number): number {
  if (prefix === 0) return 256;
  if (prefix < 0xfb || prefix > 0xfe) return 0;
  return PREFIXED[prefix - 0xfb].length;
}

/** Whether a feature is on, counting implied features (GC implies function references). */
export function featureEnabled(feature: FeatureName | null, features: Features): boolean {
  if (feature === null) return true;
  if (feature === 'functionReferences') return features.functionReferences || features.gc;
  return features[feature];
}

/** Whether `features` enable an operator (return_call_ref also needs tail calls). */
export function opEnabled(info: OpInfo, features: Features): boolean {
  if (!featureEnabled(info.feature, features)) return false;
  if (info.id === Op.return_call_ref) return features.tailCall;
  return true;
}

/** Whether `features` allow an operator the reader accepted in a constant expression. */
export function constantEnabled(info: OpInfo, features: Features): boolean {
  return info.constant && featureEnabled(info.constantFeature, features);
}

/**
 * Earlier text names still used by some test-suite scripts (GC and relaxed-SIMD
 * drafts), mapped to the current names. The binary encodings are the current ones.
 */
export const OP_ALIASES: Readonly<Record<string, string>> = {
  'struct.new_canon': 'struct.new',
  'struct.new_canon_default': 'struct.new_default',
  'array.new_canon': 'array.new',
  'array.new_canon_default': 'array.new_default',
  'array.new_canon_fixed': 'array.new_fixed',
  'array.new_canon_data': 'array.new_data',
  'array.new_canon_elem': 'array.new_elem',
  'i31.new': 'ref.i31',
  'extern.internalize': 'any.convert_extern',
  'extern.externalize': 'extern.convert_any',
  'i16x8.dot_i8x16_i7x16_s': 'i16x8.relaxed_dot_i8x16_i7x16_s',
  'i32x4.dot_i8x16_i7x16_add_s': 'i32x4.relaxed_dot_i8x16_i7x16_add_s',
};

let byName: Map<string, OpInfo> | null = null;

/**
 * The operator with this unique name or text keyword ('select' gives 0x1b,
 * 'ref.test' the non-null form), also accepting `OP_ALIASES`; undefined if none.
 */
export function opByName(name: string): OpInfo | undefined {
  if (byName === null) {
    byName = new Map();
    for (const info of OPCODES) {
      byName.set(info.name, info);
      if (!byName.has(info.mnemonic)) byName.set(info.mnemonic, info);
    }
    for (const [alias, target] of Object.entries(OP_ALIASES)) byName.set(alias, byName.get(target)!);
  }
  return byName.get(name);
}

/** Human-readable id: '0x6a' or '0xfd 0x10c'. */
export function opIdString(id: number): string {
  const p = id >>> 16;
  return p === 0 ? `0x${id.toString(16)}` : `0x${p.toString(16)} 0x${(id & 0xffff).toString(16)}`;
}

function buildOpcodes(): OpInfo[] {
  const ids = Op as Record<string, number>;
  const seen = new Set<string>();
  const out: OpInfo[] = [];
  for (const [feature, rows] of defineGroups()) {
    for (const [name, imm, sig, natAlign = -1] of rows) {
      const key = name.replace(/[./ ]/g, '_');
      const id = ids[key];
      if (id === undefined || seen.has(key)) throw new Error(`opcodes: bad or duplicate row '${name}'`);
      seen.add(key);
      const colon = sig === null ? -1 : sig.indexOf(':');
      const params = sig === null ? null : Object.freeze(sigTypes(sig.slice(0, colon)));
      const family = familyOf(name, imm, feature, id >>> 16);
      const constantFeature = Object.hasOwn(CONSTANT_OPS, name) ? CONSTANT_OPS[name] : undefined;
      out.push(
        Object.freeze({
          id,
          name,
          mnemonic: name.split(' ')[0],
          key: key as OpKey,
          prefix: id >>> 16,
          code: id & 0xffff,
          imm,
          feature,
          sig,
          params,
          results: sig === null ? null : Object.freeze(sigTypes(sig.slice(colon + 1))),
          natAlign,
          family,
          quietF32Operands: quietF32(name, family, params),
          constant: constantFeature !== undefined,
          constantFeature: constantFeature ?? null,
        }),
      );
    }
  }
  if (seen.size !== Object.keys(ids).length) throw new Error('opcodes: an Op key has no row');
  if (out.filter((o) => o.constant).length !== Object.keys(CONSTANT_OPS).length)
    throw new Error('opcodes: a CONSTANT_OPS name has no row');
  out.sort((a, b) => a.id - b.id);
  return out;
}

/** The rows: name, immediate kind, stack effect, natural alignment; grouped by feature. */
function defineGroups(): readonly Group[] {
  const {
    none,
    blockType,
    label,
    brTable,
    func,
    callIndirect,
    local,
    global,
    table,
    memarg,
    memory,
    i32,
    i64,
    f32,
    f64,
    selectT,
    refNull,
    memoryInit,
    data,
    memoryCopy,
    tableInit,
    elem,
    tableCopy,
    v128,
    lane,
    memargLane,
    shuffle,
    tag,
    tryTable,
    type,
    typeField,
    typeType,
    typeData,
    typeElem,
    typeN,
    brOnCast,
    heapType,
    atomicFence,
  } = Imm;
  return [
    [
      null,
      [
        ['unreachable', none, null],
        ['nop', none, ':'],
        ['block', blockType, null],
        ['loop', blockType, null],
        ['if', blockType, null],
        ['else', none, null],
        ['end', none, null],
        ['br', label, null],
        ['br_if', label, null],
        ['br_table', brTable, null],
        ['return', none, null],
        ['call', func, null],
        ['call_indirect', callIndirect, null],
        ['drop', none, null],
        ['select', none, null],
        ['local.get', local, null],
        ['local.set', local, null],
        ['local.tee', local, null],
        ['global.get', global, null],
        ['global.set', global, null],
        ['i32.load', memarg, 'i:i', 2],
        ['i64.load', memarg, 'i:I', 3],
        ['f32.load', memarg, 'i:f', 2],
        ['f64.load', memarg, 'i:F', 3],
        ['i32.load8_s', memarg, 'i:i', 0],
        ['i32.load8_u', memarg, 'i:i', 0],
        ['i32.load16_s', memarg, 'i:i', 1],
        ['i32.load16_u', memarg, 'i:i', 1],
        ['i64.load8_s', memarg, 'i:I', 0],
        ['i64.load8_u', memarg, 'i:I', 0],
        ['i64.load16_s', memarg, 'i:I', 1],
        ['i64.load16_u', memarg, 'i:I', 1],
        ['i64.load32_s', memarg, 'i:I', 2],
        ['i64.load32_u', memarg, 'i:I', 2],
        ['i32.store', memarg, 'ii:', 2],
        ['i64.store', memarg, 'iI:', 3],
        ['f32.store', memarg, 'if:', 2],
        ['f64.store', memarg, 'iF:', 3],
        ['i32.store8', memarg, 'ii:', 0],
        ['i32.store16', memarg, 'ii:', 1],
        ['i64.store8', memarg, 'iI:', 0],
        ['i64.store16', memarg, 'iI:', 1],
        ['i64.store32', memarg, 'iI:', 2],
        ['memory.size', memory, ':i'],
        ['memory.grow', memory, 'i:i'],
        ['i32.const', i32, ':i'],
        ['i64.const', i64, ':I'],
        ['f32.const', f32, ':f'],
        ['f64.const', f64, ':F'],
        ['i32.eqz', none, 'i:i'],
        ['i32.eq', none, 'ii:i'],
        ['i32.ne', none, 'ii:i'],
        ['i32.lt_s', none, 'ii:i'],
        ['i32.lt_u', none, 'ii:i'],
        ['i32.gt_s', none, 'ii:i'],
        ['i32.gt_u', none, 'ii:i'],
        ['i32.le_s', none, 'ii:i'],
        ['i32.le_u', none, 'ii:i'],
        ['i32.ge_s', none, 'ii:i'],
        ['i32.ge_u', none, 'ii:i'],
        ['i64.eqz', none, 'I:i'],
        ['i64.eq', none, 'II:i'],
        ['i64.ne', none, 'II:i'],
        ['i64.lt_s', none, 'II:i'],
        ['i64.lt_u', none, 'II:i'],
        ['i64.gt_s', none, 'II:i'],
        ['i64.gt_u', none, 'II:i'],
        ['i64.le_s', none, 'II:i'],
        ['i64.le_u', none, 'II:i'],
        ['i64.ge_s', none, 'II:i'],
        ['i64.ge_u', none, 'II:i'],
        ['f32.eq', none, 'ff:i'],
        ['f32.ne', none, 'ff:i'],
        ['f32.lt', none, 'ff:i'],
        ['f32.gt', none, 'ff:i'],
        ['f32.le', none, 'ff:i'],
        ['f32.ge', none, 'ff:i'],
        ['f64.eq', none, 'FF:i'],
        ['f64.ne', none, 'FF:i'],
        ['f64.lt', none, 'FF:i'],
        ['f64.gt', none, 'FF:i'],
        ['f64.le', none, 'FF:i'],
        ['f64.ge', none, 'FF:i'],
        ['i32.clz', none, 'i:i'],
        ['i32.ctz', none, 'i:i'],
        ['i32.popcnt', none, 'i:i'],
        ['i32.add', none, 'ii:i'],
        ['i32.sub', none, 'ii:i'],
        ['i32.mul', none, 'ii:i'],
        ['i32.div_s', none, 'ii:i'],
        ['i32.div_u', none, 'ii:i'],
        ['i32.rem_s', none, 'ii:i'],
        ['i32.rem_u', none, 'ii:i'],
        ['i32.and', none, 'ii:i'],
        ['i32.or', none, 'ii:i'],
        ['i32.xor', none, 'ii:i'],
        ['i32.shl', none, 'ii:i'],
        ['i32.shr_s', none, 'ii:i'],
        ['i32.shr_u', none, 'ii:i'],
        ['i32.rotl', none, 'ii:i'],
        ['i32.rotr', none, 'ii:i'],
        ['i64.clz', none, 'I:I'],
        ['i64.ctz', none, 'I:I'],
        ['i64.popcnt', none, 'I:I'],
        ['i64.add', none, 'II:I'],
        ['i64.sub', none, 'II:I'],
        ['i64.mul', none, 'II:I'],
        ['i64.div_s', none, 'II:I'],
        ['i64.div_u', none, 'II:I'],
        ['i64.rem_s', none, 'II:I'],
        ['i64.rem_u', none, 'II:I'],
        ['i64.and', none, 'II:I'],
        ['i64.or', none, 'II:I'],
        ['i64.xor', none, 'II:I'],
        ['i64.shl', none, 'II:I'],
        ['i64.shr_s', none, 'II:I'],
        ['i64.shr_u', none, 'II:I'],
        ['i64.rotl', none, 'II:I'],
        ['i64.rotr', none, 'II:I'],
        ['f32.abs', none, 'f:f'],
        ['f32.neg', none, 'f:f'],
        ['f32.ceil', none, 'f:f'],
        ['f32.floor', none, 'f:f'],
        ['f32.trunc', none, 'f:f'],
        ['f32.nearest', none, 'f:f'],
        ['f32.sqrt', none, 'f:f'],
        ['f32.add', none, 'ff:f'],
        ['f32.sub', none, 'ff:f'],
        ['f32.mul', none, 'ff:f'],
        ['f32.div', none, 'ff:f'],
        ['f32.min', none, 'ff:f'],
        ['f32.max', none, 'ff:f'],
        ['f32.copysign', none, 'ff:f'],
        ['f64.abs', none, 'F:F'],
        ['f64.neg', none, 'F:F'],
        ['f64.ceil', none, 'F:F'],
        ['f64.floor', none, 'F:F'],
        ['f64.trunc', none, 'F:F'],
        ['f64.nearest', none, 'F:F'],
        ['f64.sqrt', none, 'F:F'],
        ['f64.add', none, 'FF:F'],
        ['f64.sub', none, 'FF:F'],
        ['f64.mul', none, 'FF:F'],
        ['f64.div', none, 'FF:F'],
        ['f64.min', none, 'FF:F'],
        ['f64.max', none, 'FF:F'],
        ['f64.copysign', none, 'FF:F'],
        ['i32.wrap_i64', none, 'I:i'],
        ['i32.trunc_f32_s', none, 'f:i'],
        ['i32.trunc_f32_u', none, 'f:i'],
        ['i32.trunc_f64_s', none, 'F:i'],
        ['i32.trunc_f64_u', none, 'F:i'],
        ['i64.extend_i32_s', none, 'i:I'],
        ['i64.extend_i32_u', none, 'i:I'],
        ['i64.trunc_f32_s', none, 'f:I'],
        ['i64.trunc_f32_u', none, 'f:I'],
        ['i64.trunc_f64_s', none, 'F:I'],
        ['i64.trunc_f64_u', none, 'F:I'],
        ['f32.convert_i32_s', none, 'i:f'],
        ['f32.convert_i32_u', none, 'i:f'],
        ['f32.convert_i64_s', none, 'I:f'],
        ['f32.convert_i64_u', none, 'I:f'],
        ['f32.demote_f64', none, 'F:f'],
        ['f64.convert_i32_s', none, 'i:F'],
        ['f64.convert_i32_u', none, 'i:F'],
        ['f64.convert_i64_s', none, 'I:F'],
        ['f64.convert_i64_u', none, 'I:F'],
        ['f64.promote_f32', none, 'f:F'],
        ['i32.reinterpret_f32', none, 'f:i'],
        ['i64.reinterpret_f64', none, 'F:I'],
        ['f32.reinterpret_i32', none, 'i:f'],
        ['f64.reinterpret_i64', none, 'I:F'],
      ],
    ],
    [
      'signExtension',
      [
        ['i32.extend8_s', none, 'i:i'],
        ['i32.extend16_s', none, 'i:i'],
        ['i64.extend8_s', none, 'I:I'],
        ['i64.extend16_s', none, 'I:I'],
        ['i64.extend32_s', none, 'I:I'],
      ],
    ],
    [
      'saturatingFloatToInt',
      [
        ['i32.trunc_sat_f32_s', none, 'f:i'],
        ['i32.trunc_sat_f32_u', none, 'f:i'],
        ['i32.trunc_sat_f64_s', none, 'F:i'],
        ['i32.trunc_sat_f64_u', none, 'F:i'],
        ['i64.trunc_sat_f32_s', none, 'f:I'],
        ['i64.trunc_sat_f32_u', none, 'f:I'],
        ['i64.trunc_sat_f64_s', none, 'F:I'],
        ['i64.trunc_sat_f64_u', none, 'F:I'],
      ],
    ],
    [
      'bulkMemory',
      [
        ['memory.init', memoryInit, 'iii:'],
        ['data.drop', data, ':'],
        ['memory.copy', memoryCopy, 'iii:'],
        ['memory.fill', memory, 'iii:'],
        ['table.init', tableInit, 'iii:'],
        ['elem.drop', elem, ':'],
        ['table.copy', tableCopy, 'iii:'],
      ],
    ],
    [
      'referenceTypes',
      [
        ['select t', selectT, null],
        ['table.get', table, null],
        ['table.set', table, null],
        ['ref.null', refNull, null],
        ['ref.is_null', none, null],
        ['ref.func', func, null],
        ['table.grow', table, null],
        ['table.size', table, ':i'],
        ['table.fill', table, null],
      ],
    ],
    [
      'simd',
      [
        ['v128.load', memarg, 'i:v', 4],
        ['v128.load8x8_s', memarg, 'i:v', 3],
        ['v128.load8x8_u', memarg, 'i:v', 3],
        ['v128.load16x4_s', memarg, 'i:v', 3],
        ['v128.load16x4_u', memarg, 'i:v', 3],
        ['v128.load32x2_s', memarg, 'i:v', 3],
        ['v128.load32x2_u', memarg, 'i:v', 3],
        ['v128.load8_splat', memarg, 'i:v', 0],
        ['v128.load16_splat', memarg, 'i:v', 1],
        ['v128.load32_splat', memarg, 'i:v', 2],
        ['v128.load64_splat', memarg, 'i:v', 3],
        ['v128.store', memarg, 'iv:', 4],
        ['v128.const', v128, ':v'],
        ['i8x16.shuffle', shuffle, 'vv:v'],
        ['i8x16.swizzle', none, 'vv:v'],
        ['i8x16.splat', none, 'i:v'],
        ['i16x8.splat', none, 'i:v'],
        ['i32x4.splat', none, 'i:v'],
        ['i64x2.splat', none, 'I:v'],
        ['f32x4.splat', none, 'f:v'],
        ['f64x2.splat', none, 'F:v'],
        ['i8x16.extract_lane_s', lane, 'v:i'],
        ['i8x16.extract_lane_u', lane, 'v:i'],
        ['i8x16.replace_lane', lane, 'vi:v'],
        ['i16x8.extract_lane_s', lane, 'v:i'],
        ['i16x8.extract_lane_u', lane, 'v:i'],
        ['i16x8.replace_lane', lane, 'vi:v'],
        ['i32x4.extract_lane', lane, 'v:i'],
        ['i32x4.replace_lane', lane, 'vi:v'],
        ['i64x2.extract_lane', lane, 'v:I'],
        ['i64x2.replace_lane', lane, 'vI:v'],
        ['f32x4.extract_lane', lane, 'v:f'],
        ['f32x4.replace_lane', lane, 'vf:v'],
        ['f64x2.extract_lane', lane, 'v:F'],
        ['f64x2.replace_lane', lane, 'vF:v'],
        ['i8x16.eq', none, 'vv:v'],
        ['i8x16.ne', none, 'vv:v'],
        ['i8x16.lt_s', none, 'vv:v'],
        ['i8x16.lt_u', none, 'vv:v'],
        ['i8x16.gt_s', none, 'vv:v'],
        ['i8x16.gt_u', none, 'vv:v'],
        ['i8x16.le_s', none, 'vv:v'],
        ['i8x16.le_u', none, 'vv:v'],
        ['i8x16.ge_s', none, 'vv:v'],
        ['i8x16.ge_u', none, 'vv:v'],
        ['i16x8.eq', none, 'vv:v'],
        ['i16x8.ne', none, 'vv:v'],
        ['i16x8.lt_s', none, 'vv:v'],
        ['i16x8.lt_u', none, 'vv:v'],
        ['i16x8.gt_s', none, 'vv:v'],
        ['i16x8.gt_u', none, 'vv:v'],
        ['i16x8.le_s', none, 'vv:v'],
        ['i16x8.le_u', none, 'vv:v'],
        ['i16x8.ge_s', none, 'vv:v'],
        ['i16x8.ge_u', none, 'vv:v'],
        ['i32x4.eq', none, 'vv:v'],
        ['i32x4.ne', none, 'vv:v'],
        ['i32x4.lt_s', none, 'vv:v'],
        ['i32x4.lt_u', none, 'vv:v'],
        ['i32x4.gt_s', none, 'vv:v'],
        ['i32x4.gt_u', none, 'vv:v'],
        ['i32x4.le_s', none, 'vv:v'],
        ['i32x4.le_u', none, 'vv:v'],
        ['i32x4.ge_s', none, 'vv:v'],
        ['i32x4.ge_u', none, 'vv:v'],
        ['f32x4.eq', none, 'vv:v'],
        ['f32x4.ne', none, 'vv:v'],
        ['f32x4.lt', none, 'vv:v'],
        ['f32x4.gt', none, 'vv:v'],
        ['f32x4.le', none, 'vv:v'],
        ['f32x4.ge', none, 'vv:v'],
        ['f64x2.eq', none, 'vv:v'],
        ['f64x2.ne', none, 'vv:v'],
        ['f64x2.lt', none, 'vv:v'],
        ['f64x2.gt', none, 'vv:v'],
        ['f64x2.le', none, 'vv:v'],
        ['f64x2.ge', none, 'vv:v'],
        ['v128.not', none, 'v:v'],
        ['v128.and', none, 'vv:v'],
        ['v128.andnot', none, 'vv:v'],
        ['v128.or', none, 'vv:v'],
        ['v128.xor', none, 'vv:v'],
        ['v128.bitselect', none, 'vvv:v'],
        ['v128.any_true', none, 'v:i'],
        ['v128.load8_lane', memargLane, 'iv:v', 0],
        ['v128.load16_lane', memargLane, 'iv:v', 1],
        ['v128.load32_lane', memargLane, 'iv:v', 2],
        ['v128.load64_lane', memargLane, 'iv:v', 3],
        ['v128.store8_lane', memargLane, 'iv:', 0],
        ['v128.store16_lane', memargLane, 'iv:', 1],
        ['v128.store32_lane', memargLane, 'iv:', 2],
        ['v128.store64_lane', memargLane, 'iv:', 3],
        ['v128.load32_zero', memarg, 'i:v', 2],
        ['v128.load64_zero', memarg, 'i:v', 3],
        ['f32x4.demote_f64x2_zero', none, 'v:v'],
        ['f64x2.promote_low_f32x4', none, 'v:v'],
        ['i8x16.abs', none, 'v:v'],
        ['i8x16.neg', none, 'v:v'],
        ['i8x16.popcnt', none, 'v:v'],
        ['i8x16.all_true', none, 'v:i'],
        ['i8x16.bitmask', none, 'v:i'],
        ['i8x16.narrow_i16x8_s', none, 'vv:v'],
        ['i8x16.narrow_i16x8_u', none, 'vv:v'],
        ['f32x4.ceil', none, 'v:v'],
        ['f32x4.floor', none, 'v:v'],
        ['f32x4.trunc', none, 'v:v'],
        ['f32x4.nearest', none, 'v:v'],
        ['i8x16.shl', none, 'vi:v'],
        ['i8x16.shr_s', none, 'vi:v'],
        ['i8x16.shr_u', none, 'vi:v'],
        ['i8x16.add', none, 'vv:v'],
        ['i8x16.add_sat_s', none, 'vv:v'],
        ['i8x16.add_sat_u', none, 'vv:v'],
        ['i8x16.sub', none, 'vv:v'],
        ['i8x16.sub_sat_s', none, 'vv:v'],
        ['i8x16.sub_sat_u', none, 'vv:v'],
        ['f64x2.ceil', none, 'v:v'],
        ['f64x2.floor', none, 'v:v'],
        ['i8x16.min_s', none, 'vv:v'],
        ['i8x16.min_u', none, 'vv:v'],
        ['i8x16.max_s', none, 'vv:v'],
        ['i8x16.max_u', none, 'vv:v'],
        ['f64x2.trunc', none, 'v:v'],
        ['i8x16.avgr_u', none, 'vv:v'],
        ['i16x8.extadd_pairwise_i8x16_s', none, 'v:v'],
        ['i16x8.extadd_pairwise_i8x16_u', none, 'v:v'],
        ['i32x4.extadd_pairwise_i16x8_s', none, 'v:v'],
        ['i32x4.extadd_pairwise_i16x8_u', none, 'v:v'],
        ['i16x8.abs', none, 'v:v'],
        ['i16x8.neg', none, 'v:v'],
        ['i16x8.q15mulr_sat_s', none, 'vv:v'],
        ['i16x8.all_true', none, 'v:i'],
        ['i16x8.bitmask', none, 'v:i'],
        ['i16x8.narrow_i32x4_s', none, 'vv:v'],
        ['i16x8.narrow_i32x4_u', none, 'vv:v'],
        ['i16x8.extend_low_i8x16_s', none, 'v:v'],
        ['i16x8.extend_high_i8x16_s', none, 'v:v'],
        ['i16x8.extend_low_i8x16_u', none, 'v:v'],
        ['i16x8.extend_high_i8x16_u', none, 'v:v'],
        ['i16x8.shl', none, 'vi:v'],
        ['i16x8.shr_s', none, 'vi:v'],
        ['i16x8.shr_u', none, 'vi:v'],
        ['i16x8.add', none, 'vv:v'],
        ['i16x8.add_sat_s', none, 'vv:v'],
        ['i16x8.add_sat_u', none, 'vv:v'],
        ['i16x8.sub', none, 'vv:v'],
        ['i16x8.sub_sat_s', none, 'vv:v'],
        ['i16x8.sub_sat_u', none, 'vv:v'],
        ['f64x2.nearest', none, 'v:v'],
        ['i16x8.mul', none, 'vv:v'],
        ['i16x8.min_s', none, 'vv:v'],
        ['i16x8.min_u', none, 'vv:v'],
        ['i16x8.max_s', none, 'vv:v'],
        ['i16x8.max_u', none, 'vv:v'],
        ['i16x8.avgr_u', none, 'vv:v'],
        ['i16x8.extmul_low_i8x16_s', none, 'vv:v'],
        ['i16x8.extmul_high_i8x16_s', none, 'vv:v'],
        ['i16x8.extmul_low_i8x16_u', none, 'vv:v'],
        ['i16x8.extmul_high_i8x16_u', none, 'vv:v'],
        ['i32x4.abs', none, 'v:v'],
        ['i32x4.neg', none, 'v:v'],
        ['i32x4.all_true', none, 'v:i'],
        ['i32x4.bitmask', none, 'v:i'],
        ['i32x4.extend_low_i16x8_s', none, 'v:v'],
        ['i32x4.extend_high_i16x8_s', none, 'v:v'],
        ['i32x4.extend_low_i16x8_u', none, 'v:v'],
        ['i32x4.extend_high_i16x8_u', none, 'v:v'],
        ['i32x4.shl', none, 'vi:v'],
        ['i32x4.shr_s', none, 'vi:v'],
        ['i32x4.shr_u', none, 'vi:v'],
        ['i32x4.add', none, 'vv:v'],
        ['i32x4.sub', none, 'vv:v'],
        ['i32x4.mul', none, 'vv:v'],
        ['i32x4.min_s', none, 'vv:v'],
        ['i32x4.min_u', none, 'vv:v'],
        ['i32x4.max_s', none, 'vv:v'],
        ['i32x4.max_u', none, 'vv:v'],
        ['i32x4.dot_i16x8_s', none, 'vv:v'],
        ['i32x4.extmul_low_i16x8_s', none, 'vv:v'],
        ['i32x4.extmul_high_i16x8_s', none, 'vv:v'],
        ['i32x4.extmul_low_i16x8_u', none, 'vv:v'],
        ['i32x4.extmul_high_i16x8_u', none, 'vv:v'],
        ['i64x2.abs', none, 'v:v'],
        ['i64x2.neg', none, 'v:v'],
        ['i64x2.all_true', none, 'v:i'],
        ['i64x2.bitmask', none, 'v:i'],
        ['i64x2.extend_low_i32x4_s', none, 'v:v'],
        ['i64x2.extend_high_i32x4_s', none, 'v:v'],
        ['i64x2.extend_low_i32x4_u', none, 'v:v'],
        ['i64x2.extend_high_i32x4_u', none, 'v:v'],
        ['i64x2.shl', none, 'vi:v'],
        ['i64x2.shr_s', none, 'vi:v'],
        ['i64x2.shr_u', none, 'vi:v'],
        ['i64x2.add', none, 'vv:v'],
        ['i64x2.sub', none, 'vv:v'],
        ['i64x2.mul', none, 'vv:v'],
        ['i64x2.eq', none, 'vv:v'],
        ['i64x2.ne', none, 'vv:v'],
        ['i64x2.lt_s', none, 'vv:v'],
        ['i64x2.gt_s', none, 'vv:v'],
        ['i64x2.le_s', none, 'vv:v'],
        ['i64x2.ge_s', none, 'vv:v'],
        ['i64x2.extmul_low_i32x4_s', none, 'vv:v'],
        ['i64x2.extmul_high_i32x4_s', none, 'vv:v'],
        ['i64x2.extmul_low_i32x4_u', none, 'vv:v'],
        ['i64x2.extmul_high_i32x4_u', none, 'vv:v'],
        ['f32x4.abs', none, 'v:v'],
        ['f32x4.neg', none, 'v:v'],
        ['f32x4.sqrt', none, 'v:v'],
        ['f32x4.add', none, 'vv:v'],
        ['f32x4.sub', none, 'vv:v'],
        ['f32x4.mul', none, 'vv:v'],
        ['f32x4.div', none, 'vv:v'],
        ['f32x4.min', none, 'vv:v'],
        ['f32x4.max', none, 'vv:v'],
        ['f32x4.pmin', none, 'vv:v'],
        ['f32x4.pmax', none, 'vv:v'],
        ['f64x2.abs', none, 'v:v'],
        ['f64x2.neg', none, 'v:v'],
        ['f64x2.sqrt', none, 'v:v'],
        ['f64x2.add', none, 'vv:v'],
        ['f64x2.sub', none, 'vv:v'],
        ['f64x2.mul', none, 'vv:v'],
        ['f64x2.div', none, 'vv:v'],
        ['f64x2.min', none, 'vv:v'],
        ['f64x2.max', none, 'vv:v'],
        ['f64x2.pmin', none, 'vv:v'],
        ['f64x2.pmax', none, 'vv:v'],
        ['i32x4.trunc_sat_f32x4_s', none, 'v:v'],
        ['i32x4.trunc_sat_f32x4_u', none, 'v:v'],
        ['f32x4.convert_i32x4_s', none, 'v:v'],
        ['f32x4.convert_i32x4_u', none, 'v:v'],
        ['i32x4.trunc_sat_f64x2_s_zero', none, 'v:v'],
        ['i32x4.trunc_sat_f64x2_u_zero', none, 'v:v'],
        ['f64x2.convert_low_i32x4_s', none, 'v:v'],
        ['f64x2.convert_low_i32x4_u', none, 'v:v'],
      ],
    ],
    [
      'relaxedSimd',
      [
        ['i8x16.relaxed_swizzle', none, 'vv:v'],
        ['i32x4.relaxed_trunc_f32x4_s', none, 'v:v'],
        ['i32x4.relaxed_trunc_f32x4_u', none, 'v:v'],
        ['i32x4.relaxed_trunc_f64x2_s_zero', none, 'v:v'],
        ['i32x4.relaxed_trunc_f64x2_u_zero', none, 'v:v'],
        ['f32x4.relaxed_madd', none, 'vvv:v'],
        ['f32x4.relaxed_nmadd', none, 'vvv:v'],
        ['f64x2.relaxed_madd', none, 'vvv:v'],
        ['f64x2.relaxed_nmadd', none, 'vvv:v'],
        ['i8x16.relaxed_laneselect', none, 'vvv:v'],
        ['i16x8.relaxed_laneselect', none, 'vvv:v'],
        ['i32x4.relaxed_laneselect', none, 'vvv:v'],
        ['i64x2.relaxed_laneselect', none, 'vvv:v'],
        ['f32x4.relaxed_min', none, 'vv:v'],
        ['f32x4.relaxed_max', none, 'vv:v'],
        ['f64x2.relaxed_min', none, 'vv:v'],
        ['f64x2.relaxed_max', none, 'vv:v'],
        ['i16x8.relaxed_q15mulr_s', none, 'vv:v'],
        ['i16x8.relaxed_dot_i8x16_i7x16_s', none, 'vv:v'],
        ['i32x4.relaxed_dot_i8x16_i7x16_add_s', none, 'vvv:v'],
      ],
    ],
    [
      'threads',
      [
        ['memory.atomic.notify', memarg, 'ii:i', 2],
        ['memory.atomic.wait32', memarg, 'iiI:i', 2],
        ['memory.atomic.wait64', memarg, 'iII:i', 3],
        ['atomic.fence', atomicFence, ':'],
        ['i32.atomic.load', memarg, 'i:i', 2],
        ['i64.atomic.load', memarg, 'i:I', 3],
        ['i32.atomic.load8_u', memarg, 'i:i', 0],
        ['i32.atomic.load16_u', memarg, 'i:i', 1],
        ['i64.atomic.load8_u', memarg, 'i:I', 0],
        ['i64.atomic.load16_u', memarg, 'i:I', 1],
        ['i64.atomic.load32_u', memarg, 'i:I', 2],
        ['i32.atomic.store', memarg, 'ii:', 2],
        ['i64.atomic.store', memarg, 'iI:', 3],
        ['i32.atomic.store8', memarg, 'ii:', 0],
        ['i32.atomic.store16', memarg, 'ii:', 1],
        ['i64.atomic.store8', memarg, 'iI:', 0],
        ['i64.atomic.store16', memarg, 'iI:', 1],
        ['i64.atomic.store32', memarg, 'iI:', 2],
        ['i32.atomic.rmw.add', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.add', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.add_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.add_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.add_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.add_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.add_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.sub', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.sub', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.sub_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.sub_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.sub_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.sub_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.sub_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.and', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.and', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.and_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.and_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.and_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.and_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.and_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.or', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.or', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.or_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.or_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.or_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.or_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.or_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.xor', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.xor', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.xor_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.xor_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.xor_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.xor_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.xor_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.xchg', memarg, 'ii:i', 2],
        ['i64.atomic.rmw.xchg', memarg, 'iI:I', 3],
        ['i32.atomic.rmw8.xchg_u', memarg, 'ii:i', 0],
        ['i32.atomic.rmw16.xchg_u', memarg, 'ii:i', 1],
        ['i64.atomic.rmw8.xchg_u', memarg, 'iI:I', 0],
        ['i64.atomic.rmw16.xchg_u', memarg, 'iI:I', 1],
        ['i64.atomic.rmw32.xchg_u', memarg, 'iI:I', 2],
        ['i32.atomic.rmw.cmpxchg', memarg, 'iii:i', 2],
        ['i64.atomic.rmw.cmpxchg', memarg, 'iII:I', 3],
        ['i32.atomic.rmw8.cmpxchg_u', memarg, 'iii:i', 0],
        ['i32.atomic.rmw16.cmpxchg_u', memarg, 'iii:i', 1],
        ['i64.atomic.rmw8.cmpxchg_u', memarg, 'iII:I', 0],
        ['i64.atomic.rmw16.cmpxchg_u', memarg, 'iII:I', 1],
        ['i64.atomic.rmw32.cmpxchg_u', memarg, 'iII:I', 2],
      ],
    ],
    [
      'exceptions',
      [
        ['try', blockType, null],
        ['catch', tag, null],
        ['throw', tag, null],
        ['rethrow', label, null],
        ['throw_ref', none, null],
        ['delegate', label, null],
        ['catch_all', none, null],
        ['try_table', tryTable, null],
      ],
    ],
    [
      'tailCall',
      [
        ['return_call', func, null],
        ['return_call_indirect', callIndirect, null],
      ],
    ],
    [
      'functionReferences',
      [
        ['call_ref', type, null],
        ['return_call_ref', type, null],
        ['ref.as_non_null', none, null],
        ['br_on_null', label, null],
        ['br_on_non_null', label, null],
      ],
    ],
    [
      'gc',
      [
        ['ref.eq', none, null],
        ['struct.new', type, null],
        ['struct.new_default', type, null],
        ['struct.get', typeField, null],
        ['struct.get_s', typeField, null],
        ['struct.get_u', typeField, null],
        ['struct.set', typeField, null],
        ['array.new', type, null],
        ['array.new_default', type, null],
        ['array.new_fixed', typeN, null],
        ['array.new_data', typeData, null],
        ['array.new_elem', typeElem, null],
        ['array.get', type, null],
        ['array.get_s', type, null],
        ['array.get_u', type, null],
        ['array.set', type, null],
        ['array.len', none, null],
        ['array.fill', type, null],
        ['array.copy', typeType, null],
        ['array.init_data', typeData, null],
        ['array.init_elem', typeElem, null],
        ['ref.test', heapType, null],
        ['ref.test null', heapType, null],
        ['ref.cast', heapType, null],
        ['ref.cast null', heapType, null],
        ['br_on_cast', brOnCast, null],
        ['br_on_cast_fail', brOnCast, null],
        ['any.convert_extern', none, null],
        ['extern.convert_any', none, null],
        ['ref.i31', none, null],
        ['i31.get_s', none, null],
        ['i31.get_u', none, null],
      ],
    ],
  ];
}

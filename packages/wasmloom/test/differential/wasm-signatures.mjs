// @ts-check
/**
 * The signatures of a module's imported and exported functions, read straight
 * from the bytes (type, import, function and export sections only). The
 * differential harness needs them to make arguments of the right JS type
 * (BigInt for i64) and to know which values are i32/i64/f32/f64, and it must
 * not depend on the code under test for that, so this is a small reader of
 * its own. It assumes a valid module (native validates it first).
 */

/** @typedef {'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref'} ValType */
/** @typedef {{ params: ValType[], results: ValType[] }} FuncType */
/** @typedef {{ module: string, name: string, kind: 'function' | 'table' | 'memory' | 'global' | 'tag', type: FuncType | null }} ImportInfo */
/** @typedef {{ name: string, kind: 'function' | 'table' | 'memory' | 'global' | 'tag', index: number, type: FuncType | null }} ExportInfo */

/** @type {Record<number, ValType>} */
const VALTYPES = {
  127: 'i32',
  126: 'i64',
  125: 'f32',
  124: 'f64',
  123: 'v128',
  112: 'funcref',
  111: 'externref',
};

/** @type {Array<'function' | 'table' | 'memory' | 'global' | 'tag'>} */
const KINDS = ['function', 'table', 'memory', 'global', 'tag'];

/**
 * @param {Uint8Array} bytes
 * @returns {{ imports: ImportInfo[], exports: ExportInfo[], types: FuncType[] }}
 */
export function readSignatures(bytes) {
  let pos = 8;
  const u8 = () => {
    if (pos >= bytes.length) throw new Error('wasm-signatures: unexpected end of module');
    return bytes[pos++];
  };
  const uleb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const name = () => {
    const len = uleb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const valtype = () => {
    const b = u8();
    const t = VALTYPES[b];
    if (!t) throw new Error(`wasm-signatures: unsupported value type 0x${b.toString(16)}`);
    return t;
  };
  const limits = () => {
    const flags = u8();
    uleb();
    if (flags & 1) uleb();
  };

  /** @type {FuncType[]} */
  const types = [];
  /** @type {number[]} type index of each function, imported first */
  const funcs = [];
  /** @type {ImportInfo[]} */
  const imports = [];
  /** @type {ExportInfo[]} */
  const exports = [];

  while (pos < bytes.length) {
    const id = u8();
    const size = uleb();
    const end = pos + size;
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        const form = u8();
        if (form !== 0x60) throw new Error(`wasm-signatures: unsupported type form 0x${form.toString(16)}`);
        const params = [];
        for (let k = uleb(); k > 0; k--) params.push(valtype());
        const results = [];
        for (let k = uleb(); k > 0; k--) results.push(valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = KINDS[u8()];
        /** @type {FuncType | null} */
        let type = null;
        if (kind === 'function') {
          const t = uleb();
          funcs.push(t);
          type = types[t];
        } else if (kind === 'table') {
          valtype();
          limits();
        } else if (kind === 'memory') {
          limits();
        } else if (kind === 'global') {
          valtype();
          u8();
        } else {
          u8();
          uleb();
        }
        imports.push({ module, name: field, kind, type });
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) funcs.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const field = name();
        const kind = KINDS[u8()];
        const index = uleb();
        exports.push({ name: field, kind, index, type: null });
      }
    }
    pos = end;
  }
  for (const e of exports) {
    if (e.kind === 'function') e.type = types[funcs[e.index]];
  }
  return { imports, exports, types };
}

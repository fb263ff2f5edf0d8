/**
 * `wasmloom inspect [file.wasm]`: what a module holds (sections, imports,
 * exports, functions, body sizes, custom sections) and how fast wasmloom decodes
 * it. The timed decode is the streaming path: the bytes go to a `ModuleDecoder`
 * in 64 KiB chunks, as they would arrive from the network. The section outline
 * comes from a second, untimed pass of the `StreamingParser` alone, whose
 * payloads carry the offsets that the decoded module does not keep.
 *
 * With no file it inspects sql.js's wasm, a real 0.7 MB module.
 */
import { createRequire } from 'node:module';
import {
  externalKindNames,
  type Import,
  ModuleDecoder,
  SectionId,
  StreamingParser,
  type TypeDef,
  valTypeName,
  WasmError,
  type WasmModule,
} from '@wasmloom/binary';
import type { Command } from '../command.js';
import { median } from '../format.js';
import { type CommandIO, inputError, usageError } from '../io.js';
import { readModuleFile } from '../module-file.js';
import { formatBytes, formatReport } from './inspect-report.js';

export const CHUNK_SIZE = 64 * 1024;
/** Imports, exports and custom sections listed before `… and N more` without --all. */
const LIST_LIMIT = 30;
const DEFAULT_RUNS = 5;

export interface SectionInfo {
  id: number;
  /** `custom` sections carry their own name. */
  name: string;
  /** Absolute offset of the section id byte. */
  offset: number;
  /** Bytes from the id byte to the section's end, header included. */
  size: number;
}

export interface BodySizeBucket {
  /** Body sizes in bytes, `min` ≤ size ≤ `max`; `min` is a power of two (or 0). */
  min: number;
  max: number;
  count: number;
}

export interface InspectReport {
  file: string;
  size: number;
  sections: SectionInfo[];
  imports: { module: string; name: string; kind: string; type: string }[];
  exports: { name: string; kind: string; index: number }[];
  functions: { imported: number; defined: number; total: number };
  bodySizes: { count: number; totalBytes: number; largest: number; buckets: BodySizeBucket[] };
  /** `offset` of the section id byte; `size` of the payload after the name. */
  customSections: { name: string; offset: number; size: number }[];
  /** The streaming decode: chunk size and count, runs, first and median time, MB/s (10^6 bytes) at the median. */
  parse: {
    chunkSize: number;
    chunks: number;
    runs: number;
    firstMs: number;
    medianMs: number;
    mbPerSec: number;
  };
}

const sectionNames = Object.fromEntries(Object.entries(SectionId).map(([name, id]) => [id, name]));

function funcTypeText(type: TypeDef | undefined, typeIndex: number): string {
  if (type?.kind !== 'func') return `type ${typeIndex}`;
  const params = type.params.length ? ` (param ${type.params.map(valTypeName).join(' ')})` : '';
  const results = type.results.length ? ` (result ${type.results.map(valTypeName).join(' ')})` : '';
  return `(func${params}${results})`;
}

function limitsText(l: { min: number; max: number | null; shared: boolean; index64: boolean }): string {
  return `${l.min}..${l.max ?? ''}${l.shared ? ' shared' : ''}${l.index64 ? ' i64' : ''}`;
}

function importTypeText(imp: Import, types: TypeDef[]): string {
  switch (imp.kind) {
    case 0:
      return funcTypeText(types[imp.typeIndex], imp.typeIndex);
    case 1:
      return `${valTypeName(imp.table.refType)} ${limitsText(imp.table.limits)}`;
    case 2:
      return `${limitsText(imp.memory.limits)} pages`;
    case 3:
      return imp.global.mutable ? `(mut ${valTypeName(imp.global.type)})` : valTypeName(imp.global.type);
    case 4:
      return funcTypeText(types[imp.tag.typeIndex], imp.tag.typeIndex);
  }
}

/** Power-of-two buckets from the smallest to the largest size present. */
export function bodySizeHistogram(sizes: readonly number[]): BodySizeBucket[] {
  const counts: number[] = [];
  for (const size of sizes) {
    const k = size === 0 ? 0 : 32 - Math.clz32(size); // size in [2^(k-1), 2^k)
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const first = counts.findIndex((c) => c !== undefined);
  if (first < 0) return [];
  const buckets: BodySizeBucket[] = [];
  for (let k = first; k < counts.length; k++) {
    buckets.push({ min: k === 0 ? 0 : 2 ** (k - 1), max: k === 0 ? 0 : 2 ** k - 1, count: counts[k] ?? 0 });
  }
  return buckets;
}

/** Sections and body sizes from the StreamingParser's payloads (the module is already known valid). */
function outline(bytes: Uint8Array): { sections: SectionInfo[]; bodySizes: number[] } {
  const sections: SectionInfo[] = [];
  const bodySizes: number[] = [];
  const parser = new StreamingParser();
  for (let pos = 0; ; ) {
    const step = parser.parse(bytes.subarray(pos), true);
    if (step.type !== 'parsed') throw new Error('unreachable: parser wants data at eof');
    const p = step.payload;
    pos += step.consumed;
    switch (p.kind) {
      case 'section':
      case 'customSection': {
        const end = p.contentOffset + p.bytes.length;
        const id = p.kind === 'section' ? p.id : SectionId.custom;
        const name = p.kind === 'section' ? sectionNames[p.id] : p.name;
        sections.push({ id, name, offset: p.offset, size: end - p.offset });
        break;
      }
      case 'codeSectionStart':
        sections.push({ id: SectionId.code, name: 'code', offset: p.offset, size: p.end - p.offset });
        break;
      case 'functionBody':
        bodySizes.push(p.bytes.length);
        break;
      case 'end':
        return { sections, bodySizes };
    }
  }
}

/** One streaming decode of `bytes` in `chunkSize` pieces; throws WasmError when the module is invalid. */
function decodeInChunks(bytes: Uint8Array, chunkSize: number): WasmModule {
  const decoder = new ModuleDecoder({ keepBodies: false });
  for (let at = 0; at < bytes.length; at += chunkSize) decoder.push(bytes.subarray(at, at + chunkSize));
  return decoder.finish().module;
}

/**
 * Decodes `bytes` the streaming way `runs` times, timed (the first run is JIT-cold,
 * so the median of all runs is the figure to quote), and describes the module.
 * Throws WasmError when the module is invalid.
 */
export function inspectBytes(
  bytes: Uint8Array,
  file: string,
  runs = 1,
  chunkSize = CHUNK_SIZE,
): InspectReport {
  const times: number[] = [];
  let module!: WasmModule;
  for (let i = 0; i < Math.max(1, runs); i++) {
    const start = performance.now();
    module = decodeInChunks(bytes, chunkSize);
    times.push(performance.now() - start);
  }
  const ms = median(times);

  const { sections, bodySizes } = outline(bytes);
  return {
    file,
    size: bytes.length,
    sections,
    imports: module.imports.map((imp) => ({
      module: imp.module,
      name: imp.name,
      kind: externalKindNames[imp.kind],
      type: importTypeText(imp, module.types),
    })),
    exports: module.exports.map((e) => ({ name: e.name, kind: externalKindNames[e.kind], index: e.index })),
    functions: functionCounts(module),
    bodySizes: {
      count: bodySizes.length,
      totalBytes: bodySizes.reduce((a, b) => a + b, 0),
      largest: bodySizes.reduce((a, b) => Math.max(a, b), 0),
      buckets: bodySizeHistogram(bodySizes),
    },
    customSections: module.customSections.map((c) => ({
      name: c.name,
      offset: c.offset,
      size: c.bytes.length,
    })),
    parse: {
      chunkSize,
      chunks: Math.ceil(bytes.length / chunkSize),
      runs: times.length,
      firstMs: times[0],
      medianMs: ms,
      mbPerSec: bytes.length / 1e3 / ms,
    },
  };
}

function functionCounts(module: WasmModule): InspectReport['functions'] {
  const imported = module.imports.filter((i) => i.kind === 0).length;
  const defined = module.functions.length;
  return { imported, defined, total: imported + defined };
}

/** sql.js's wasm, shipped in the `sql.js` package the CLI depends on. */
export function defaultModulePath(): string {
  return createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show the sections, imports, exports and function sizes of a module, and how fast it decodes',
  synopsis: '[options] [file.wasm]',
  help: [
    ['--json', 'print the report as JSON'],
    ['--all', `list every import, export and custom section (default: the first ${LIST_LIMIT})`],
    ['--runs N', `decode N times and report the median time (default ${DEFAULT_RUNS})`],
  ],
  options: {
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    runs: { type: 'string', default: String(DEFAULT_RUNS) },
  },
  async run({ values, positionals }, io: CommandIO): Promise<number> {
    if (positionals.length > 1) throw usageError(`expected one file, got ${positionals.length}`);
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw usageError(`--runs wants a positive integer, got '${values.runs}'`);
    const path = positionals[0] ?? defaultModulePath();
    const bytes = await readModuleFile(path);
    let report: InspectReport;
    try {
      report = inspectBytes(bytes, path, runs);
    } catch (err) {
      if (!(err instanceof WasmError)) throw err;
      throw inputError(
        `${path} (${formatBytes(bytes.length)}) is not a valid WebAssembly module: ${err.describe()}`,
      );
    }
    io.stdout.write(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatReport(report, values.all ? 0 : LIST_LIMIT),
    );
    return 0;
  },
};

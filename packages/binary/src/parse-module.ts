/**
 * Drivers that feed a StreamingParser's payloads into a ModuleBuilder:
 * `parseModule` for a whole buffer, `ModuleDecoder` for bytes pushed in chunks
 * of any size (the streaming compile path). Both report the same payloads and
 * the same first error for the same bytes, however they are split.
 */
import { ModuleBuilder, type ParsedModule } from './module-builder.js';
import { StreamingParser } from './streaming-parser.js';
import { DEFAULT_FEATURES, type Features, type FunctionBody, type ModuleEnv } from './types.js';

export interface ParseOptions {
  features?: Partial<Features>;
  /** Keep every body in the result; default: true unless `onBody` is given. */
  keepBodies?: boolean;
  /** Called once, when the ModuleEnv is frozen (at the code section start, or at the end). */
  onEnv?(env: ModuleEnv): void;
  /** Called for each function body as soon as its last byte has arrived. */
  onBody?(body: FunctionBody): void;
  /** Called at the code section's start, before `onEnv`: where its contents lie, and its body count. */
  onCodeSection?(range: CodeSectionRange): void;
}

/**
 * The enabled features: defaults overridden by `partial`, then closed under
 * the proposals' dependencies (gc needs function references, which need
 * reference types; relaxed SIMD needs SIMD).
 */
export function resolveFeatures(partial?: Partial<Features>): Features {
  const f: Features = { ...DEFAULT_FEATURES };
  if (partial) {
    for (const key of Object.keys(f) as (keyof Features)[]) {
      const v = partial[key];
      if (v !== undefined) f[key] = !!v;
    }
  }
  if (f.gc) f.functionReferences = true;
  if (f.functionReferences) f.referenceTypes = true;
  if (f.relaxedSimd) f.simd = true;
  return f;
}

function makeBuilder(options: ParseOptions | undefined, copyBodies: boolean): ModuleBuilder {
  return new ModuleBuilder(resolveFeatures(options?.features), {
    keepBodies: options?.keepBodies ?? !options?.onBody,
    copyBodies,
    onEnv: options?.onEnv,
    onBody: options?.onBody,
  });
}

/**
 * Decodes and validates (at module level) a whole module. Function bodies are
 * views of `bytes`, not copies: the caller must not change `bytes` while it
 * uses them (note that posting a view clones its whole buffer).
 */
export function parseModule(bytes: Uint8Array, options?: ParseOptions): ParsedModule {
  const builder = makeBuilder(options, false);
  const parser = new StreamingParser();
  let pos = 0;
  for (;;) {
    const rest = pos === 0 ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset + pos, bytes.length - pos);
    const step = parser.parse(rest, true);
    // With eof the parser never asks for more data: it reports an error instead.
    if (step.type !== 'parsed') throw new Error('unreachable: parser wants data at eof');
    pos += step.consumed;
    if (step.payload.kind === 'codeSectionStart') options?.onCodeSection?.(step.payload);
    builder.consume(step.payload);
    if (step.payload.kind === 'end') return builder.finish();
  }
}

/** Where the code section's contents lie in the module (absolute offsets), and its body count. */
export interface CodeSectionRange {
  count: number;
  contentOffset: number;
  end: number;
}

/**
 * Push API for bytes arriving in chunks. It keeps only the unconsumed tail,
 * waits until the item in progress (a section, a function body) is complete
 * before copying anything, and emits each body through `onBody` as soon as its
 * last byte is in, its bytes copied out of the transient chunk.
 */
export class ModuleDecoder {
  private readonly parser = new StreamingParser();
  private readonly builder: ModuleBuilder;
  /** Unconsumed bytes: copies of chunk parts, in order. */
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  /** Bytes the parser needs (counted from the start of `pending`) before it can progress. */
  private needed = 0;
  /** The first error, rethrown by every later call. */
  private error: unknown = null;
  private result: ParsedModule | null = null;
  private codeRange: CodeSectionRange | null = null;

  private readonly options: ParseOptions | undefined;

  constructor(options?: ParseOptions) {
    this.options = options;
    this.builder = makeBuilder(options, true);
  }

  /** The ModuleEnv once frozen, else null. */
  get env(): ModuleEnv | null {
    return this.builder.env;
  }

  /** The code section's extent once its start is parsed (already in `onEnv`), else null. */
  get codeSection(): CodeSectionRange | null {
    return this.codeRange;
  }

  /** Absolute offset of the first byte not yet consumed. */
  get offset(): number {
    return this.parser.offset;
  }

  push(chunk: Uint8Array): void {
    if (this.error) throw this.error;
    if (this.result) throw new Error('ModuleDecoder: push after finish');
    if (chunk.length === 0) return;
    if (this.pendingLength === 0 && chunk.length >= this.needed) {
      this.run(chunk, false);
      return;
    }
    if (this.pendingLength + chunk.length < this.needed) {
      // Not enough to progress yet. The caller may reuse `chunk` once we return: keep a copy.
      this.pending.push(chunk.slice());
      this.pendingLength += chunk.length;
      return;
    }
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    this.run(this.takePending(), false);
  }

  finish(): ParsedModule {
    if (this.error) throw this.error;
    if (!this.result) this.run(this.takePending(), true);
    return this.result!;
  }

  /** The pending parts as one buffer (a new one unless there is a single part). */
  private takePending(): Uint8Array {
    const parts = this.pending;
    let data: Uint8Array;
    if (parts.length === 1) {
      data = parts[0];
    } else {
      data = new Uint8Array(this.pendingLength);
      let at = 0;
      for (const p of parts) {
        data.set(p, at);
        at += p.length;
      }
    }
    this.pending = [];
    this.pendingLength = 0;
    return data;
  }

  /** Parses as far as `data` allows; keeps a copy of the unconsumed tail. */
  private run(data: Uint8Array, eof: boolean): void {
    let pos = 0;
    try {
      for (;;) {
        const rest = pos === 0 ? data : new Uint8Array(data.buffer, data.byteOffset + pos, data.length - pos);
        const step = this.parser.parse(rest, eof);
        if (step.type === 'needMoreData') {
          this.needed = data.length - pos + step.hint;
          break;
        }
        pos += step.consumed;
        if (step.payload.kind === 'codeSectionStart') {
          this.codeRange = step.payload;
          this.options?.onCodeSection?.(step.payload);
        }
        this.builder.consume(step.payload);
        if (step.payload.kind === 'end') {
          this.result = this.builder.finish();
          return;
        }
      }
    } catch (e) {
      this.error = e;
      throw e;
    }
    if (pos < data.length) {
      this.pending = [data.slice(pos)];
      this.pendingLength = data.length - pos;
    }
  }
}

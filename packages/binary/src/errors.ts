/**
 * The one error type of the binary layer: a message and the absolute byte offset
 * where decoding or validation failed. `kind` keeps malformed (not a well-formed
 * binary) apart from invalid (well-formed but fails validation); the public API
 * turns both into `WebAssembly.CompileError`.
 */
export type WasmErrorKind = 'malformed' | 'invalid';

export class WasmError extends Error {
  readonly offset: number;
  readonly kind: WasmErrorKind;
  /** Index of the function whose body failed, when the error is inside a body. */
  funcIndex: number | undefined;

  constructor(kind: WasmErrorKind, message: string, offset: number, funcIndex?: number) {
    super(message);
    this.name = 'WasmError';
    this.kind = kind;
    this.offset = offset;
    this.funcIndex = funcIndex;
  }

  /** The message with its location, as the public CompileError shows it. */
  describe(): string {
    const fn = this.funcIndex === undefined ? '' : `, function ${this.funcIndex}`;
    return `${this.message} (at offset 0x${this.offset.toString(16)}${fn})`;
  }
}

// Constructors kept out of hot paths: callers write `throw malformed(...)`.
export function malformed(message: string, offset: number): WasmError {
  return new WasmError('malformed', message, offset);
}

export function invalid(message: string, offset: number): WasmError {
  return new WasmError('invalid', message, offset);
}

/**
 * The implementation limits of the JS API spec ("Limits"), as V8 in Node 20
 * applies them: the one table every check reads. Each entry says where it is
 * checked and what error exceeding it gives, as native does; a limit past
 * which native still compiles (table size) must not be checked at compile.
 */
export const IMPL_LIMITS = {
  /** Bytes of a module: RangeError from validate/compile/Module (wasmloom bytes.ts); CompileError when streaming. */
  moduleSize: 1_073_741_824,
  /** The rest: CompileError (decoding, sections.ts and module-builder.ts) unless said otherwise. */
  types: 1_000_000,
  functions: 1_000_000,
  /** Imports and exports: Node 20's V8; the spec raised both to 1,000,000 in 2024. */
  imports: 100_000,
  exports: 100_000,
  globals: 1_000_000,
  tags: 1_000_000,
  dataSegments: 100_000,
  elementSegments: 10_000_000,
  tables: 100_000,
  memories: 100,
  /** Elements of a table: past it compiles, then RangeError at instantiation (runtime table.ts) and from `new Table`; `table.grow` fails. */
  tableSize: 10_000_000,
  /** Entries of one element segment. */
  tableInitEntries: 10_000_000,
  memory32Pages: 65_536,
  /** The core spec's bound for 64-bit memories: 2^48 pages of 64 KiB = 2^64 bytes. */
  memory64Pages: 2 ** 48,
  /** Bytes of one function body, locals included (streaming-parser.ts). */
  functionBodySize: 7_654_321,
  params: 1_000,
  results: 1_000,
  /** Params plus declared locals of one function (operator-reader.ts `readLocals`). */
  locals: 50_000,
  /** Targets of one br_table, the default not counted: V8's own limit, not the spec's (operator-reader.ts). */
  brTableTargets: 65_520,
  structFields: 10_000,
  arrayNewFixed: 10_000,
  subtypeDepth: 63,
} as const;

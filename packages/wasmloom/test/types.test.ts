/**
 * wasmloom's public types match TypeScript's lib.dom `WebAssembly`: the
 * namespace is assignable to `typeof globalThis.WebAssembly`, and its objects
 * to lib.dom's interfaces (test/fixtures/types-check.ts, type-checked here
 * with the repository's compiler options).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

it('type-checks against lib.dom’s WebAssembly declarations', () => {
  const fixture = fileURLToPath(new URL('./fixtures/types-check.ts', import.meta.url));
  const configPath = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(
    config.config.compilerOptions,
    fileURLToPath(new URL('../../..', import.meta.url)),
  );
  const program = ts.createProgram([fixture], {
    ...options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    skipLibCheck: true,
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 60_000);

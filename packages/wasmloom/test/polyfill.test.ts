/**
 * `wasmloom/polyfill`: installs the namespace where `WebAssembly` is missing,
 * leaves a native one alone unless forced, and defines the global like the
 * built-in. The child-process tests load the built package the way users do
 * (`import 'wasmloom/polyfill'`, `node --import wasmloom/polyfill`): they need
 * `npx tsc -b packages/wasmloom` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { installPolyfill, isInstalled, WebAssembly as loom } from '../src/polyfill.js';

const nativeDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly')!;
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/polyfill.js', import.meta.url)));

function node(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, args, {
    cwd: packageDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  }).trim();
}

describe('installPolyfill', () => {
  afterEach(() => {
    Object.defineProperty(globalThis, 'WebAssembly', nativeDescriptor);
  });

  it('leaves a native WebAssembly alone (importing the module did not replace it)', () => {
    expect(globalThis.WebAssembly).toBe(nativeDescriptor.value);
    expect(isInstalled()).toBe(false);
    expect(installPolyfill()).toBe(nativeDescriptor.value);
    expect(globalThis.WebAssembly).toBe(nativeDescriptor.value);
  });

  it('installs where WebAssembly is missing, defined like the built-in', () => {
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    expect(installPolyfill()).toBe(loom);
    expect(globalThis.WebAssembly).toBe(loom);
    expect(isInstalled()).toBe(true);
    const d = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly')!;
    expect([d.writable, d.enumerable, d.configurable]).toEqual([
      nativeDescriptor.writable,
      nativeDescriptor.enumerable,
      nativeDescriptor.configurable,
    ]);
    expect([d.writable, d.enumerable, d.configurable]).toEqual([true, false, true]);
  });

  it('replaces a native one with force, or installs a namespace of your choice', () => {
    expect(installPolyfill({ force: true })).toBe(loom);
    expect(globalThis.WebAssembly).toBe(loom);
    const other = { marker: 1 } as never;
    expect(installPolyfill({ force: true, namespace: other })).toBe(other);
    expect(isInstalled()).toBe(false);
  });

  it('the namespace is assignable to lib.dom’s type and usable as the global', async () => {
    installPolyfill({ force: true });
    const g: typeof globalThis.WebAssembly = globalThis.WebAssembly;
    const { instance } = await g.instantiate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(instance).toBeInstanceOf(loom.Instance);
  });
});

describe.skipIf(!built)('wasmloom/polyfill from the built package', () => {
  const probe = `
    const d = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly');
    const isLoom = Object.hasOwn(globalThis.WebAssembly, Symbol.for('wasmloom.invokeRaw'));
    const { instance } = await WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    console.log(JSON.stringify({ isLoom, w: d.writable, e: d.enumerable, c: d.configurable, ok: typeof instance.exports }));
  `;

  it('installs where the engine has no WebAssembly', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `delete globalThis.WebAssembly; await import('wasmloom/polyfill'); ${probe}`,
    ]);
    expect(JSON.parse(out)).toEqual({ isLoom: true, w: true, e: false, c: true, ok: 'object' });
  });

  it('keeps the native one when it exists', () => {
    const out = node(['--input-type=module', '-e', `await import('wasmloom/polyfill'); ${probe}`]);
    expect(JSON.parse(out).isLoom).toBe(false);
  });

  it('WASMLOOM_POLYFILL=force with node --import replaces it before any user code runs', () => {
    const out = node(['--import', 'wasmloom/polyfill', '--input-type=module', '-e', probe], {
      WASMLOOM_POLYFILL: 'force',
    });
    expect(JSON.parse(out)).toEqual({ isLoom: true, w: true, e: false, c: true, ok: 'object' });
  });
});

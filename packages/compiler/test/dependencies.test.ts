/**
 * The dependency direction of ARCHITECTURE.md: the compiler's sources import
 * @wasmloom/binary only, never the runtime, though the tests may (it is a
 * devDependency, so an import would resolve and build without this check).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('the compiler package', () => {
  it('imports nothing but @wasmloom/binary and its own files from src', () => {
    const outside: string[] = [];
    let files = 0;
    for (const file of sources(join(__dirname, '../src'))) {
      files++;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec !== '@wasmloom/binary' && !spec.startsWith('./') && !spec.startsWith('../'))
          outside.push(`${file}: ${spec}`);
        if (spec.includes('runtime')) outside.push(`${file}: ${spec}`);
      }
    }
    expect(files).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });
});

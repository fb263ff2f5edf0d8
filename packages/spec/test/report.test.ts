import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareWithBaseline,
  conformanceJson,
  conformanceMarkdown,
  groupTotals,
  spec3Markdown,
} from '../src/report.js';
import type { FileResult } from '../src/run-suite.js';
import {
  featuresForGroup,
  listSpec3,
  locateSpec3,
  locateTestsuite,
  MissingTestsuite,
  readManifest,
  SPEC3_ENV,
  scriptJsonPath,
  TESTSUITE_ENV,
} from '../src/suite.js';

const file = (name: string, group: string, passed: number, failed: number, text = 0): FileResult => ({
  file: name,
  group,
  passed,
  failed,
  textNotRun: text,
  notRun: 0,
  notRunReasons: {},
  total: passed + failed + text,
  byCommand: {},
  failures: [],
  timeMs: 0,
  manifestTotal: passed + failed + text,
});

const files = [
  file('a.wast', 'core', 10, 2, 3),
  file('b.wast', 'core', 5, 0),
  file('proposals/x/c.wast', 'proposals/x', 1, 1),
];
const info = { engine: 'wasmloom', command: 'pnpm spec', testsuite: 'WebAssembly/testsuite' };

describe('reports', () => {
  it('totals per group', () => {
    const t = groupTotals(files);
    expect(t.get('core')).toEqual({ files: 2, passed: 15, failed: 2, text: 3, total: 20 });
    expect(t.get('proposals/x')?.total).toBe(2);
  });

  it('writes the per-file and per-group tables with the producing command', () => {
    const md = conformanceMarkdown(files, info);
    expect(md).toContain('`pnpm spec`');
    expect(md).toContain('| file | group | passed | failed | text-malformed (not run) | total |');
    expect(md).toContain('| a.wast | core | 10 | 2 | 3 | 15 |');
    expect(md).toContain('| core | 2.0 | 2 | 15 | 2 | 3 | 20 | 88.2% |');
    expect(md).toContain('| **all** |  | 3 | 16 | 3 | 3 | 22 |');
  });

  it('flags files below the baseline only', () => {
    const baseline = conformanceJson(files, info);
    expect(baseline.passed).toEqual({ 'a.wast': 10, 'b.wast': 5, 'proposals/x/c.wast': 1 });
    const now = [
      file('a.wast', 'core', 9, 3, 3),
      file('b.wast', 'core', 5, 0),
      file('proposals/x/c.wast', 'proposals/x', 2, 0),
    ];
    const out = compareWithBaseline(now, baseline, () => true);
    expect(out.regressions).toEqual(['a.wast: 9 passed, conformance.json records 10']);
    expect(out.improvements).toEqual(['proposals/x/c.wast: 2 passed (was 1)']);
    // A filtered run compares only what it ran.
    expect(compareWithBaseline([now[1]], baseline, (f) => f === 'b.wast').regressions).toEqual([]);
  });
});

describe('the 3.0 suite in the reports', () => {
  const notRun = {
    ...file('wast/exceptions/try_table.wast', 'exceptions', 9, 56),
    notRun: 2,
    notRunReasons: { 'the text parser accepts | this': 2 },
    total: 67,
  };
  const files3 = [file('wast/fac.wast', 'top level', 8, 0), notRun];

  it('writes totals per folder and the reason of every command not run', () => {
    const md = spec3Markdown(files3, 'WebAssembly/spec@285a9032950c test/core');
    expect(md).toContain('## WebAssembly 3.0 suite (WebAssembly/spec@285a9032950c test/core)');
    expect(md).toContain('| top level | 1 | 8 | 0 | 0 | 8 | 100.0% |');
    expect(md).toContain('| exceptions | 1 | 9 | 56 | 2 | 67 | 13.8% |');
    expect(md).toContain('| **all** | 2 | 17 | 56 | 2 | 75 | 23.3% |');
    expect(md).toContain(
      '| wast/exceptions/try_table.wast | exceptions | 9 | 56 | 2 | 67 | not run ×2: the text parser accepts \\| this |',
    );
    const stopped = { ...file('wast/simd/x.wast', 'simd', 0, 3), aborted: 'timed out after 65000 ms' };
    expect(spec3Markdown([stopped], 't')).toContain('| 0 | 3 | 0 | 3 | stopped: timed out after 65000 ms |');
  });

  it('records it beside the 2.0 suite in conformance.json, checked on its own', () => {
    const json = conformanceJson(files, info, { files: files3, testsuite: 't' });
    expect(json.passed).toEqual({ 'a.wast': 10, 'b.wast': 5, 'proposals/x/c.wast': 1 });
    expect(json['wasm-3.0']).toEqual({
      testsuite: 't',
      passed: { 'wast/fac.wast': 8, 'wast/exceptions/try_table.wast': 9 },
    });
    const worse = [file('wast/fac.wast', 'top level', 7, 1), notRun];
    expect(compareWithBaseline(worse, json['wasm-3.0']!, () => true).regressions).toEqual([
      'wast/fac.wast: 7 passed, conformance.json records 8',
    ]);
  });
});

describe('the test suite on disk', () => {
  it('lists the 3.0 scripts by folder: top level, the folders, legacy exceptions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec3-'));
    for (const d of ['wast/simd', 'wast/gc', 'legacy-exceptions'])
      mkdirSync(join(dir, d), { recursive: true });
    for (const f of [
      'wast/z.wast',
      'wast/a.wast',
      'wast/simd/s.wast',
      'wast/gc/g.wast',
      'legacy-exceptions/t.wast',
    ])
      writeFileSync(join(dir, f), '');
    writeFileSync(join(dir, 'wast/README.md'), '');
    expect(listSpec3(dir)).toEqual([
      { file: 'wast/a.wast', group: 'top level' },
      { file: 'wast/z.wast', group: 'top level' },
      { file: 'wast/gc/g.wast', group: 'gc' },
      { file: 'wast/simd/s.wast', group: 'simd' },
      { file: 'legacy-exceptions/t.wast', group: 'legacy-exceptions' },
    ]);
    expect(locateSpec3({ [SPEC3_ENV]: dir })).toBe(dir);
    const empty = mkdtempSync(join(tmpdir(), 'no-spec3-'));
    expect(() => locateSpec3({ [SPEC3_ENV]: empty })).toThrow(new RegExp(`${empty}.*\\n.*${SPEC3_ENV}`, 's'));
  });

  it('names the path and the variable when the suite is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-suite-'));
    expect(() => locateTestsuite({ [TESTSUITE_ENV]: dir })).toThrow(MissingTestsuite);
    try {
      locateTestsuite({ [TESTSUITE_ENV]: dir });
    } catch (e) {
      expect((e as Error).message).toContain(dir);
      expect((e as Error).message).toContain(TESTSUITE_ENV);
    }
  });

  it('reads the manifest and finds the JSON of each script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    writeFileSync(
      join(dir, 'manifest.tsv'),
      'file\tgroup\twast2json_flags\tasserts\tmodule\tassert_return\n' +
        'a.wast\tcore\t(default)\t3\t1\t3\n' +
        'proposals/gc/b.wast\tproposals/gc\t(default)\t0\t1\t0\n',
    );
    const entries = readManifest(dir);
    expect(entries).toEqual([
      {
        file: 'a.wast',
        group: 'core',
        flags: '(default)',
        counts: { asserts: 3, module: 1, assert_return: 3 },
      },
      {
        file: 'proposals/gc/b.wast',
        group: 'proposals/gc',
        flags: '(default)',
        counts: { asserts: 0, module: 1, assert_return: 0 },
      },
    ]);
    expect(scriptJsonPath(dir, 'proposals/gc/b.wast')).toBe(join(dir, 'json/proposals/gc/b/b.json'));
    expect(scriptJsonPath(dir, 'a.wast')).toBe(join(dir, 'json/a/a.json'));
  });

  it('gives each group the 2.0 base plus its proposal', () => {
    expect(featuresForGroup('core').multiMemory).toBe(false);
    expect(featuresForGroup('core').simd).toBe(true);
    expect(featuresForGroup('proposals/multi-memory').multiMemory).toBe(true);
    expect(featuresForGroup('proposals/gc')).toMatchObject({ gc: true, functionReferences: true });
    expect(featuresForGroup('proposals/memory64')).toMatchObject({ memory64: true, exceptions: false });
  });
});

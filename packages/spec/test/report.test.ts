import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, conformanceJson, conformanceMarkdown, groupTotals } from '../src/report.js';
import type { FileResult } from '../src/run-suite.js';
import {
  featuresForGroup,
  locateTestsuite,
  MissingTestsuite,
  readManifest,
  scriptJsonPath,
  TESTSUITE_ENV,
} from '../src/suite.js';

const file = (name: string, group: string, passed: number, failed: number, text = 0): FileResult => ({
  file: name,
  group,
  passed,
  failed,
  textNotRun: text,
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

describe('the test suite on disk', () => {
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

/**
 * The main job. Its contract: real figures for a run that happened on both
 * engines with identical output, and otherwise a clear failure, exit code 1,
 * and no figures for the run that did not happen.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { type DemoReport, formatDemo } from '../src/commands/demo.js';
import type { ChildResult } from '../src/demo/child.js';
import { findWorkload, workloads } from '../src/demo/workloads.js';
import { bin, capture, haveBin, spawnNode } from './helpers.js';

function result(engine: 'native' | 'wasmloom', scale: number, sha = 'ab'.repeat(32)): ChildResult {
  return {
    engine,
    workers: engine === 'wasmloom' ? 2 : null,
    compileMs: 10 * scale,
    instantiateMs: 2 * scale,
    firstWorkMs: 5 * scale,
    firstResultMs: 17 * scale,
    steadyMs: 3 * scale,
    steadyRuns: [3 * scale, 3 * scale],
    output: { length: 42, sha256: sha, head: 'var a=1;' },
  };
}

function report(run: DemoReport['run'], failure: string | null = null): DemoReport {
  return {
    workload: 'esbuild',
    package: 'esbuild-wasm 0.0.0',
    work: 'transform',
    module: { file: 'esbuild.wasm', size: 1 << 20 },
    compile: [
      {
        label: 'native eager',
        kind: 'native',
        workers: null,
        eager: true,
        runs: 1,
        firstMs: 4,
        medianMs: 4,
        minMs: 4,
      },
      {
        label: 'wasmloom, 2 workers',
        kind: 'wasmloom',
        workers: 2,
        eager: null,
        runs: 1,
        firstMs: 40,
        medianMs: 40,
        minMs: 40,
      },
    ],
    run,
    ok: failure === null,
    failure,
    notes: [],
  };
}

describe('the main job report', () => {
  it('shows compile time by worker count and the run beside native', () => {
    const text = formatDemo(report({ native: result('native', 1), wasmloom: result('wasmloom', 4) }));
    expect(text).toMatch(/wasmloom, 2 workers +40\.0 ms +10×/);
    expect(text).toMatch(/first result \(from the first byte read\) +17\.0 ms +68\.0 ms +4\.0×/);
    expect(text).toMatch(/steady state \(median of 2\) +3\.0 ms +12\.0 ms +4\.0×/);
    expect(text).toMatch(/identical on both engines/);
    expect(text).not.toMatch(/FAILED/);
  });

  it('prints no run figures when the run on wasmloom failed, only what failed', () => {
    const failed = { error: 'RangeError: Maximum call stack size exceeded', phase: 'instantiate' };
    const text = formatDemo(
      report({ native: result('native', 1), wasmloom: failed }, 'esbuild on wasmloom failed'),
    );
    expect(text).toMatch(/wasmloom: FAILED during instantiate: RangeError: Maximum call stack size exceeded/);
    expect(text).not.toMatch(/steady state/);
    expect(text).toMatch(/\nFAILED: esbuild on wasmloom failed\n$/);
  });

  it('has esbuild first, then sql.js', () => {
    expect(workloads.map((w) => w.name)).toEqual(['esbuild', 'sqljs']);
    expect(findWorkload('sqljs')?.wasmPath()).toMatch(/sql-wasm\.wasm$/);
    expect(findWorkload('esbuild')?.wasmPath()).toMatch(/esbuild\.wasm$/);
  });

  it('exits 2 for an unknown workload', async () => {
    const io = capture();
    expect(await runCli(['demo', '--workload', 'doom'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown workload 'doom': use esbuild or sqljs/);
  });
});

describe.skipIf(!haveBin)('the wasmloom binary: demo', () => {
  const run = async (workload: string) => {
    const r = await spawnNode([bin, 'demo', '--json', '--workload', workload, '--iterations', '2'], '', {
      timeout: 300_000,
    });
    return { ...r, report: JSON.parse(r.stdout) as DemoReport };
  };

  it.each(['esbuild', 'sqljs'])(
    'runs %s on both engines with identical output',
    async (workload) => {
      const { code, report, stderr } = await run(workload);
      expect(report.failure, stderr).toBeNull();
      expect(code).toBe(0);
      const native = report.run.native as ChildResult;
      const wasmloom = report.run.wasmloom as ChildResult;
      expect(wasmloom.output.sha256).toBe(native.output.sha256);
      expect(wasmloom.output.length).toBeGreaterThan(500);
      expect(wasmloom.steadyRuns).toHaveLength(2);
    },
    300_000,
  );
});

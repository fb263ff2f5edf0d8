#!/usr/bin/env node
/**
 * The spec runner's command line. See `--help`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineName } from './providers.js';
import {
  type ConformanceJson,
  compareWithBaseline,
  conformanceJson,
  conformanceMarkdown,
  summaryTable,
  totalsOf,
} from './report.js';
import { type FileResult, runSuite } from './run-suite.js';
import {
  describeFeatures,
  featuresForGroup,
  locateTestsuite,
  MissingTestsuite,
  REPO_ROOT,
  TESTSUITE_ENV,
} from './suite.js';

const USAGE = `usage: node packages/spec/dist/cli.js [options]

Runs the WebAssembly spec test suite (wast2json scripts) against wasmloom
(default) or Node's native WebAssembly.

  --native           test Node's native WebAssembly (sanity check of the runner)
  --filter <substr>  only scripts whose manifest path contains <substr>;
                     prints their failures (up to 50 per script)
  --verbose, -v      print every failed command
  --write            write CONFORMANCE.md and conformance.json at the repo root
                     (wasmloom, whole suite only)
  --check            fail (exit 1) if any file passes fewer commands than
                     conformance.json records
  --jobs <n>         worker threads (default: available cores; 0 = in-process,
                     no hard timeout)
  --timeout <s>      per-script budget in seconds (default 60); a worker still
                     busy 5 s later is terminated and its script counted failed
  --no-raw           ignore the namespace's raw-invoke hook (compare through
                     plain JS calls; v128 cannot be checked then)
  --dump <file>      write every result, failures included, as JSON
  --help

The test suite is read from $${TESTSUITE_ENV}, else ../shared/testsuite beside
the repository.`;

function main(): Promise<number> | number {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const engine: EngineName = args.native ? 'native' : 'wasmloom';
  if (args.write && (args.native || args.filter)) {
    console.error(
      '--write records wasmloom on the whole suite: it cannot be combined with --native or --filter.',
    );
    return 2;
  }
  if (args.check && args.native) {
    console.error('--check compares wasmloom with conformance.json: it cannot be combined with --native.');
    return 2;
  }
  let dir: string;
  try {
    dir = locateTestsuite();
  } catch (e) {
    if (e instanceof MissingTestsuite) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  return run(engine, dir, args);
}

function parse() {
  const { values } = parseArgs({
    options: {
      native: { type: 'boolean', default: false },
      filter: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      write: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      timeout: { type: 'string', default: '60' },
      'no-raw': { type: 'boolean', default: false },
      dump: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(jobs) || jobs < 0) throw new Error(`--jobs: not a count: ${values.jobs}`);
  if (!(timeout > 0)) throw new Error(`--timeout: not a number of seconds: ${values.timeout}`);
  return { ...values, jobs, timeout };
}

function printFailures(f: FileResult, limit: number): void {
  const shown = f.failures.slice(0, limit);
  for (const x of shown) console.log(`    ${f.file}:${x.line} ${x.command}: ${x.reason}`);
  const more = f.failed - shown.length;
  if (more > 0 && (f.failures.length > 0 || f.failed > 0))
    console.log(`    … ${more} more failed in ${f.file}`);
}

async function run(engine: EngineName, dir: string, args: ReturnType<typeof parse>): Promise<number> {
  const showFailures = args.verbose || args.filter !== undefined;
  const limit = args.verbose ? Number.POSITIVE_INFINITY : 50;
  const keep = args.dump || args.verbose ? Number.POSITIVE_INFINITY : showFailures ? limit : 0;
  console.log(
    `spec: ${engine} on ${dir}${args.filter ? ` (filter "${args.filter}")` : ''}, ` +
      `${args.jobs === 0 ? 'in-process' : `${args.jobs} workers`}`,
  );
  const start = performance.now();
  const files = await runSuite({
    engine,
    dir,
    filter: args.filter,
    jobs: args.jobs,
    timeoutMs: args.timeout * 1000,
    useRawHook: !args['no-raw'],
    maxFailures: keep,
    onGroupEnd(group, list, ms) {
      const t = totalsOf(list);
      console.log(
        `  ${group.padEnd(30)} ${String(t.files).padStart(3)} files  ${String(t.passed).padStart(6)}/${String(
          t.passed + t.failed,
        ).padEnd(
          6,
        )} passed  ${String(t.text).padStart(5)} text  ${(ms / 1000).toFixed(1).padStart(5)}s  [${describeFeatures(
          featuresForGroup(group),
        )}]`,
      );
      if (showFailures) for (const f of list) if (f.failed) printFailures(f, limit);
      for (const f of list) if (f.aborted && !showFailures) console.log(`    ${f.file}: ${f.aborted}`);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  if (files.length === 0) {
    console.error(`no script matches "${args.filter}"`);
    return 2;
  }
  for (const f of files) {
    if (f.total !== f.manifestTotal) {
      console.warn(`warning: ${f.file} has ${f.total} commands, manifest.tsv lists ${f.manifestTotal}`);
    }
  }
  console.log('');
  console.log(summaryTable(files));
  console.log(`\n${files.length} scripts in ${seconds.toFixed(1)} s (${engine})`);

  if (args.dump) {
    writeFileSync(args.dump, `${JSON.stringify(files, null, 1)}\n`);
    console.log(`results written to ${args.dump}`);
  }

  const mdPath = join(REPO_ROOT, 'CONFORMANCE.md');
  const jsonPath = join(REPO_ROOT, 'conformance.json');
  if (args.write) {
    const info = {
      engine: 'wasmloom',
      command: 'pnpm spec',
      testsuite: testsuiteName(dir),
    };
    writeFileSync(mdPath, conformanceMarkdown(files, info));
    writeFileSync(jsonPath, `${JSON.stringify(conformanceJson(files, info), null, 2)}\n`);
    console.log(`wrote ${mdPath} and ${jsonPath}`);
  }
  if (args.check) {
    if (!existsSync(jsonPath)) {
      console.error(`--check: ${jsonPath} is missing; run \`pnpm spec\` to create it.`);
      return 1;
    }
    const baseline = JSON.parse(readFileSync(jsonPath, 'utf8')) as ConformanceJson;
    const selected = (file: string) => args.filter === undefined || file.includes(args.filter);
    const outcome = compareWithBaseline(files, baseline, selected);
    if (outcome.improvements.length) {
      console.log(`\n${outcome.improvements.length} files improved (run \`pnpm spec\` to record):`);
      for (const s of outcome.improvements) console.log(`  ${s}`);
    }
    const bad = [...outcome.regressions, ...outcome.missing];
    if (bad.length) {
      console.error(`\nspec:check FAILED — ${bad.length} files below conformance.json:`);
      for (const s of bad) console.error(`  ${s}`);
      return 1;
    }
    console.log('\nspec:check passed: no file below conformance.json');
  }
  return 0;
}

/** "WebAssembly/testsuite@<commit>" from the test suite's README, else the directory. */
function testsuiteName(dir: string): string {
  try {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const m = /commit `([0-9a-f]{40})`/.exec(readme);
    if (m) return `WebAssembly/testsuite@${m[1].slice(0, 12)}`;
  } catch {}
  return 'WebAssembly/testsuite';
}

const code = await main();
process.exitCode = code;

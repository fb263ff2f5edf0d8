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
  type CheckOutcome,
  type ConformanceJson,
  compareWithBaseline,
  conformanceJson,
  conformanceMarkdown,
  spec3Markdown,
  summaryTable,
  totalsOf,
} from './report.js';
import { type FileResult, runSuite, type SuiteName } from './run-suite.js';
import {
  describeFeatures,
  featuresForGroup,
  locateSpec3,
  locateTestsuite,
  MissingTestsuite,
  REPO_ROOT,
  SPEC3_ENV,
  SPEC3_FEATURES,
  TESTSUITE_ENV,
} from './suite.js';

const USAGE = `usage: node packages/spec/dist/cli.js [options]

Runs the WebAssembly spec test suites against wasmloom (default) or Node's
native WebAssembly: the 2.0 suite (wast2json scripts) and the 3.0 suite
(.wast scripts, read by the runner).

  --suite <s>        2.0, 3.0 or all (default all)
  --native           test Node's native WebAssembly (sanity check of the runner)
  --filter <substr>  only scripts whose path contains <substr>;
                     prints their failures (up to 50 per script)
  --verbose, -v      print every failed command
  --write            write CONFORMANCE.md and conformance.json at the repo root
                     (wasmloom, both whole suites only)
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

The 2.0 suite is read from $${TESTSUITE_ENV}, else ../shared/testsuite beside
the repository; the 3.0 suite from $${SPEC3_ENV}, else ../shared/spec-3.0.`;

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
  if (args.write && (args.native || args.filter || args.suite !== 'all')) {
    console.error(
      '--write records wasmloom on both whole suites: it cannot be combined with --native, --filter or --suite.',
    );
    return 2;
  }
  if (args.check && args.native) {
    console.error('--check compares wasmloom with conformance.json: it cannot be combined with --native.');
    return 2;
  }
  const suites: SuiteName[] = args.suite === 'all' ? ['2.0', '3.0'] : [args.suite as SuiteName];
  const dirs = new Map<SuiteName, string>();
  try {
    for (const suite of suites) dirs.set(suite, suite === '2.0' ? locateTestsuite() : locateSpec3());
  } catch (e) {
    if (e instanceof MissingTestsuite) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  return run(engine, dirs, args);
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
      suite: { type: 'string', default: 'all' },
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
  if (!['2.0', '3.0', 'all'].includes(values.suite))
    throw new Error(`--suite: 2.0, 3.0 or all, not ${values.suite}`);
  return { ...values, jobs, timeout };
}

function printFailures(f: FileResult, limit: number): void {
  const shown = f.failures.slice(0, limit);
  for (const x of shown) console.log(`    ${f.file}:${x.line} ${x.command}: ${x.reason}`);
  const more = f.failed - shown.length;
  if (more > 0 && (f.failures.length > 0 || f.failed > 0))
    console.log(`    … ${more} more failed in ${f.file}`);
}

async function runOne(
  engine: EngineName,
  suite: SuiteName,
  dir: string,
  args: ReturnType<typeof parse>,
): Promise<FileResult[]> {
  const showFailures = args.verbose || args.filter !== undefined;
  const limit = args.verbose ? Number.POSITIVE_INFINITY : 50;
  const keep = args.dump || args.verbose ? Number.POSITIVE_INFINITY : showFailures ? limit : 0;
  console.log(
    `spec ${suite}: ${engine} on ${dir}${args.filter ? ` (filter "${args.filter}")` : ''}, ` +
      `${args.jobs === 0 ? 'in-process' : `${args.jobs} workers`}`,
  );
  const start = performance.now();
  const files = await runSuite({
    engine,
    suite,
    dir,
    filter: args.filter,
    jobs: args.jobs,
    timeoutMs: args.timeout * 1000,
    useRawHook: !args['no-raw'],
    maxFailures: keep,
    onGroupEnd(group, list) {
      const t = totalsOf(list);
      const scriptSeconds = list.reduce((ms, f) => ms + f.timeMs, 0) / 1000;
      const features = list[0] ? describeFeatures(featuresOf(suite, list[0].group)) : '';
      console.log(
        `  ${group.padEnd(30)} ${String(t.files).padStart(3)} files  ${String(t.passed).padStart(6)}/${String(
          t.passed + t.failed,
        ).padEnd(6)} passed  ${String(t.text + (t.notRun ?? 0)).padStart(5)} not run  ${scriptSeconds
          .toFixed(1)
          .padStart(5)}s in scripts  [${features}]`,
      );
      if (showFailures) for (const f of list) if (f.failed) printFailures(f, limit);
      for (const f of list) if (f.aborted && !showFailures) console.log(`    ${f.file}: ${f.aborted}`);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  for (const f of files) {
    if (f.manifestTotal !== undefined && f.total !== f.manifestTotal) {
      console.warn(`warning: ${f.file} has ${f.total} commands, manifest.tsv lists ${f.manifestTotal}`);
    }
  }
  if (files.length > 0) {
    console.log('');
    console.log(summaryTable(files));
    console.log(`\n${suite}: ${files.length} scripts in ${seconds.toFixed(1)} s (${engine})\n`);
  }
  return files;
}

function featuresOf(suite: SuiteName, group: string) {
  return suite === '2.0' ? featuresForGroup(group) : SPEC3_FEATURES;
}

async function run(
  engine: EngineName,
  dirs: Map<SuiteName, string>,
  args: ReturnType<typeof parse>,
): Promise<number> {
  const results = new Map<SuiteName, FileResult[]>();
  for (const [suite, dir] of dirs) results.set(suite, await runOne(engine, suite, dir, args));
  if ([...results.values()].every((files) => files.length === 0)) {
    console.error(`no script matches "${args.filter}"`);
    return 2;
  }
  if (args.dump) {
    writeFileSync(args.dump, `${JSON.stringify(Object.fromEntries(results), null, 1)}\n`);
    console.log(`results written to ${args.dump}`);
  }

  const mdPath = join(REPO_ROOT, 'CONFORMANCE.md');
  const jsonPath = join(REPO_ROOT, 'conformance.json');
  const files2 = results.get('2.0') ?? [];
  const files3 = results.get('3.0') ?? [];
  if (args.write) {
    const info = {
      engine: 'wasmloom',
      command: 'pnpm spec',
      testsuite: testsuiteName(dirs.get('2.0') ?? ''),
    };
    const spec3 = { files: files3, testsuite: spec3Name(dirs.get('3.0') ?? '') };
    writeFileSync(
      mdPath,
      `${conformanceMarkdown(files2, info)}\n${spec3Markdown(spec3.files, spec3.testsuite)}`,
    );
    writeFileSync(jsonPath, `${JSON.stringify(conformanceJson(files2, info, spec3), null, 2)}\n`);
    console.log(`wrote ${mdPath} and ${jsonPath}`);
  }
  if (args.check) {
    if (!existsSync(jsonPath)) {
      console.error(`--check: ${jsonPath} is missing; run \`pnpm spec\` to create it.`);
      return 1;
    }
    const baseline = JSON.parse(readFileSync(jsonPath, 'utf8')) as ConformanceJson;
    const selected = (file: string) => args.filter === undefined || file.includes(args.filter);
    const outcomes: [SuiteName, CheckOutcome][] = [];
    if (results.has('2.0')) outcomes.push(['2.0', compareWithBaseline(files2, baseline, selected)]);
    if (results.has('3.0')) {
      outcomes.push(['3.0', compareWithBaseline(files3, baseline['wasm-3.0'] ?? { passed: {} }, selected)]);
    }
    let bad = 0;
    for (const [suite, outcome] of outcomes) {
      if (outcome.improvements.length) {
        console.log(
          `\n${suite}: ${outcome.improvements.length} files improved (run \`pnpm spec\` to record):`,
        );
        for (const s of outcome.improvements) console.log(`  ${s}`);
      }
      const below = [...outcome.regressions, ...outcome.missing];
      if (below.length) {
        console.error(`\n${suite}: ${below.length} files below conformance.json:`);
        for (const s of below) console.error(`  ${s}`);
      }
      bad += below.length;
    }
    if (bad) {
      console.error(`\nspec:check FAILED — ${bad} files below conformance.json`);
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

/** "WebAssembly/spec@<commit>" from the 3.0 suite's README, else the directory's name. */
function spec3Name(dir: string): string {
  try {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const m = /commit\s+`([0-9a-f]{40})`/.exec(readme);
    if (m) return `WebAssembly/spec@${m[1].slice(0, 12)} test/core`;
  } catch {}
  return 'WebAssembly/spec test/core';
}

const code = await main();
process.exitCode = code;

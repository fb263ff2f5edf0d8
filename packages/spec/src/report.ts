/** Tables of results: CONFORMANCE.md, conformance.json and the --check comparison. */
import type { FileResult } from './run-suite.js';
import { describeFeatures, featuresForGroup } from './suite.js';

export interface Totals {
  files: number;
  passed: number;
  failed: number;
  text: number;
  /** Commands the runner or the text parser cannot perform (3.0 suite). */
  notRun?: number;
  total: number;
}

export function totalsOf(files: readonly FileResult[]): Totals {
  const t: Totals = { files: 0, passed: 0, failed: 0, text: 0, total: 0 };
  for (const f of files) {
    t.files++;
    t.passed += f.passed;
    t.failed += f.failed;
    t.text += f.textNotRun;
    if (f.notRun) t.notRun = (t.notRun ?? 0) + f.notRun;
    t.total += f.total;
  }
  return t;
}

export function groupTotals(files: readonly FileResult[]): Map<string, Totals> {
  const byGroup = new Map<string, FileResult[]>();
  for (const f of files) {
    const list = byGroup.get(f.group) ?? [];
    list.push(f);
    byGroup.set(f.group, list);
  }
  return new Map([...byGroup].map(([g, list]) => [g, totalsOf(list)]));
}

/** Passed share of the commands that were run (text-format ones excluded). */
export function percent(t: Totals): string {
  const run = t.passed + t.failed;
  return run === 0 ? '–' : `${((100 * t.passed) / run).toFixed(1)}%`;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export interface ReportInfo {
  engine: string;
  command: string;
  testsuite: string;
}

export function conformanceMarkdown(files: readonly FileResult[], info: ReportInfo): string {
  const lines: string[] = [];
  lines.push('# Conformance');
  lines.push('');
  lines.push(
    `Results of the WebAssembly spec test suite (${info.testsuite}) against **${info.engine}**, ` +
      `produced by \`${info.command}\`. Do not edit: regenerate it.`,
  );
  lines.push('');
  lines.push(
    'Every command of a script counts once: `module`, `register`, `action` and each assertion. ' +
      'Text-format `assert_malformed`/`assert_invalid` modules need a text parser and are not run ' +
      '(column *text-malformed (not run)*). `pnpm spec:check` fails when a file passes fewer commands ' +
      'than `conformance.json` records.',
  );
  lines.push('');
  lines.push('## Totals per group');
  lines.push('');
  lines.push(
    row([
      'group',
      'features',
      'files',
      'passed',
      'failed',
      'text-malformed (not run)',
      'total',
      'passed of run',
    ]),
  );
  lines.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const [group, t] of groupTotals(files)) {
    lines.push(
      row([
        group,
        describeFeatures(featuresForGroup(group)),
        t.files,
        t.passed,
        t.failed,
        t.text,
        t.total,
        percent(t),
      ]),
    );
  }
  const all = totalsOf(files);
  lines.push(row(['**all**', '', all.files, all.passed, all.failed, all.text, all.total, percent(all)]));
  lines.push('');
  lines.push('## Per file');
  lines.push('');
  lines.push(row(['file', 'group', 'passed', 'failed', 'text-malformed (not run)', 'total']));
  lines.push(row(['---', '---', '---:', '---:', '---:', '---:']));
  for (const f of files) lines.push(row([f.file, f.group, f.passed, f.failed, f.textNotRun, f.total]));
  lines.push('');
  return lines.join('\n');
}

/** The 3.0 suite's part of conformance.json. */
export interface Spec3Json {
  testsuite: string;
  /** Commands passed, per script (path under the suite directory). */
  passed: Record<string, number>;
}

export interface ConformanceJson {
  engine: string;
  command: string;
  /** Commands passed, per manifest file of the 2.0 suite. */
  passed: Record<string, number>;
  'wasm-3.0'?: Spec3Json;
}

const passedPerFile = (files: readonly FileResult[]) =>
  Object.fromEntries(files.map((f) => [f.file, f.passed]));

export function conformanceJson(
  files: readonly FileResult[],
  info: ReportInfo,
  spec3?: { files: readonly FileResult[]; testsuite: string },
): ConformanceJson {
  const out: ConformanceJson = { engine: info.engine, command: info.command, passed: passedPerFile(files) };
  if (spec3) out['wasm-3.0'] = { testsuite: spec3.testsuite, passed: passedPerFile(spec3.files) };
  return out;
}

export interface CheckOutcome {
  regressions: string[];
  improvements: string[];
  missing: string[];
}

/** Compares a run with the recorded baseline (of one suite); only files that were run are compared. */
export function compareWithBaseline(
  files: readonly FileResult[],
  baseline: { passed: Record<string, number> },
  selected: (file: string) => boolean,
): CheckOutcome {
  const byFile = new Map(files.map((f) => [f.file, f]));
  const out: CheckOutcome = { regressions: [], improvements: [], missing: [] };
  for (const [file, want] of Object.entries(baseline.passed)) {
    if (!selected(file)) continue;
    const got = byFile.get(file);
    if (!got) out.missing.push(`${file}: in conformance.json but not in the test suite`);
    else if (got.passed < want)
      out.regressions.push(`${file}: ${got.passed} passed, conformance.json records ${want}`);
    else if (got.passed > want) out.improvements.push(`${file}: ${got.passed} passed (was ${want})`);
  }
  for (const f of files) {
    if (!(f.file in baseline.passed) && f.passed > 0)
      out.improvements.push(`${f.file}: ${f.passed} passed (new file)`);
  }
  return out;
}

/** A table cell's text: no `|` or line break. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** Why commands of a script were not run (reason and count), and why it stopped, if it did. */
export function scriptNotes(f: FileResult): string {
  const notes = Object.entries(f.notRunReasons ?? {}).map(([reason, n]) => `not run ×${n}: ${reason}`);
  if (f.aborted) notes.push(`stopped: ${f.aborted}`);
  return cell(notes.join('; '));
}

/**
 * The 3.0 suite's section of CONFORMANCE.md: totals per folder and a row per
 * script, with the reason for every command that was not run.
 */
export function spec3Markdown(files: readonly FileResult[], testsuite: string): string {
  const lines: string[] = [];
  lines.push(`## WebAssembly 3.0 suite (${testsuite})`);
  lines.push('');
  lines.push(
    'The `.wast` scripts of the 3.0 core suite and the legacy exception scripts, read by the runner ' +
      "itself; text modules are turned into binary by wasm-tools' WAT parser (through " +
      '`@bytecodealliance/jco-transpile`), with the 3.0 features on. Every command counts once, as for ' +
      'the 2.0 suite, `module definition` and `module instance` included. A malformed text module ' +
      '(`assert_malformed` on `module quote`) passes when the parser rejects it, as the reference ' +
      'interpreter rejects it while parsing; one the parser accepts, or a text module it rejects that ' +
      'the script needs, is *not run* (the engine never sees text), with the reason in *notes*.',
  );
  lines.push('');
  lines.push('### Totals per folder');
  lines.push('');
  lines.push(row(['folder', 'files', 'passed', 'failed', 'not run', 'total', 'passed of run']));
  lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const [group, t] of groupTotals(files)) {
    lines.push(row([group, t.files, t.passed, t.failed, t.notRun ?? 0, t.total, percent(t)]));
  }
  const all = totalsOf(files);
  lines.push(row(['**all**', all.files, all.passed, all.failed, all.notRun ?? 0, all.total, percent(all)]));
  lines.push('');
  lines.push('### Per script');
  lines.push('');
  lines.push(row(['script', 'folder', 'passed', 'failed', 'not run', 'total', 'notes']));
  lines.push(row(['---', '---', '---:', '---:', '---:', '---:', '---']));
  for (const f of files) {
    lines.push(row([f.file, f.group, f.passed, f.failed, f.notRun ?? 0, f.total, scriptNotes(f)]));
  }
  lines.push('');
  return lines.join('\n');
}

/** The group totals as a compact terminal table. */
export function summaryTable(files: readonly FileResult[]): string {
  const cells = (name: string, t: Totals) => [
    name,
    ...[t.files, t.passed, t.failed, t.text, t.notRun ?? 0, t.total].map(String),
    percent(t),
  ];
  const rows: string[][] = [['group', 'files', 'passed', 'failed', 'text', 'not run', 'total', '%']];
  for (const [group, t] of groupTotals(files)) rows.push(cells(group, t));
  rows.push(cells('all', totalsOf(files)));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

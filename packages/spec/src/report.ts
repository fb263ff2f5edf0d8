/** Tables of results: CONFORMANCE.md, conformance.json and the --check comparison. */
import type { FileResult } from './run-suite.js';
import { describeFeatures, featuresForGroup } from './suite.js';

export interface Totals {
  files: number;
  passed: number;
  failed: number;
  text: number;
  total: number;
}

export function totalsOf(files: readonly FileResult[]): Totals {
  const t: Totals = { files: 0, passed: 0, failed: 0, text: 0, total: 0 };
  for (const f of files) {
    t.files++;
    t.passed += f.passed;
    t.failed += f.failed;
    t.text += f.textNotRun;
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

export interface ConformanceJson {
  engine: string;
  command: string;
  /** Commands passed, per manifest file. */
  passed: Record<string, number>;
}

export function conformanceJson(files: readonly FileResult[], info: ReportInfo): ConformanceJson {
  return {
    engine: info.engine,
    command: info.command,
    passed: Object.fromEntries(files.map((f) => [f.file, f.passed])),
  };
}

export interface CheckOutcome {
  regressions: string[];
  improvements: string[];
  missing: string[];
}

/** Compares a run with the recorded baseline; only files that were run are compared. */
export function compareWithBaseline(
  files: readonly FileResult[],
  baseline: ConformanceJson,
  selected: (file: string) => boolean,
): CheckOutcome {
  const byFile = new Map(files.map((f) => [f.file, f]));
  const out: CheckOutcome = { regressions: [], improvements: [], missing: [] };
  for (const [file, want] of Object.entries(baseline.passed)) {
    if (!selected(file)) continue;
    const got = byFile.get(file);
    if (!got) out.missing.push(`${file}: in conformance.json but not in the test suite's manifest`);
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

/** The group totals as a compact terminal table. */
export function summaryTable(files: readonly FileResult[]): string {
  const rows: string[][] = [['group', 'files', 'passed', 'failed', 'text', 'total', '%']];
  for (const [group, t] of groupTotals(files)) {
    rows.push([group, `${t.files}`, `${t.passed}`, `${t.failed}`, `${t.text}`, `${t.total}`, percent(t)]);
  }
  const all = totalsOf(files);
  rows.push([
    'all',
    `${all.files}`,
    `${all.passed}`,
    `${all.failed}`,
    `${all.text}`,
    `${all.total}`,
    percent(all),
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

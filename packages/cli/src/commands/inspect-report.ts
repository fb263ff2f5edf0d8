/**
 * Text rendering of an inspect report. Kept apart from the decoding so the
 * `--json` output and the text output come from the same `InspectReport`.
 */
import { formatBytes, table } from '../format.js';
import type { InspectReport } from './inspect.js';

export { formatBytes };

const BAR_WIDTH = 40;

function hex(n: number, width = 8): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

/** At most `limit` lines of a long list, with a note of how many were left out. */
function capped<T>(items: readonly T[], limit: number, render: (items: readonly T[]) => string): string {
  if (items.length === 0) return '  (none)\n';
  if (limit <= 0 || items.length <= limit) return render(items);
  return `${render(items.slice(0, limit))}  … and ${items.length - limit} more (--all lists every entry)\n`;
}

export function formatReport(report: InspectReport, listLimit: number): string {
  const { functions, bodySizes, parse } = report;
  let out = `${report.file}\n  ${formatBytes(report.size)} (${report.size} bytes)\n`;

  out += `\nSections (${report.sections.length}):\n`;
  out += table(
    [
      ['id', 'name', 'offset', 'size'],
      ...report.sections.map((s) => [
        String(s.id),
        s.id === 0 ? `custom "${s.name}"` : s.name,
        hex(s.offset),
        String(s.size),
      ]),
    ],
    [true, false, false, true],
  );

  out += `\nImports (${report.imports.length}):\n`;
  out += capped(report.imports, listLimit, (items) =>
    table(items.map((i) => [`${i.module}.${i.name}`, i.kind, i.type])),
  );

  out += `\nExports (${report.exports.length}):\n`;
  out += capped(report.exports, listLimit, (items) =>
    table(
      items.map((e) => [e.name, e.kind, String(e.index)]),
      [false, false, true],
    ),
  );

  out += `\nFunctions: ${functions.total} (${functions.imported} imported, ${functions.defined} defined)\n`;

  out += `\nFunction body sizes (${bodySizes.count} bodies, ${formatBytes(bodySizes.totalBytes)}, largest ${formatBytes(bodySizes.largest)}):\n`;
  const most = Math.max(1, ...bodySizes.buckets.map((b) => b.count));
  out +=
    bodySizes.buckets.length === 0
      ? '  (none)\n'
      : table(
          bodySizes.buckets.map((b) => [
            `${b.min}–${b.max} B`,
            String(b.count),
            '#'.repeat(Math.max(b.count > 0 ? 1 : 0, Math.round((b.count / most) * BAR_WIDTH))),
          ]),
          [true, true, false],
        );

  out += `\nCustom sections (${report.customSections.length}):\n`;
  out += capped(report.customSections, listLimit, (items) =>
    table(
      items.map((c) => [c.name, `${c.size} B`]),
      [false, true],
    ),
  );

  out += `\nDecoded and validated at module level, streamed in ${parse.chunks} chunks of ${formatBytes(parse.chunkSize)}:\n`;
  out += `  ${parse.medianMs.toFixed(2)} ms, ${parse.mbPerSec.toFixed(0)} MB/s (median of ${parse.runs} runs; first run ${parse.firstMs.toFixed(2)} ms)\n`;
  return out;
}

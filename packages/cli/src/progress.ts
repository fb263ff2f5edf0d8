/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (a
 * pipe or a file gets nothing, so logs and `--json` output stay clean), not
 * before the work has taken `delayMs` (quick jobs do not flicker), and at most
 * every `intervalMs`. `done()` erases it.
 */
import type { CompileProgress } from './engine.js';
import { formatBytes } from './format.js';
import type { Output } from './io.js';

export interface ProgressBarOptions {
  delayMs?: number;
  intervalMs?: number;
  /** Draw even when `out` is not a terminal (tests). */
  force?: boolean;
}

export class ProgressBar {
  private readonly enabled: boolean;
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;
  private readonly delayMs: number;
  private readonly intervalMs: number;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    options: ProgressBarOptions = {},
  ) {
    this.enabled = options.force === true || out.isTTY === true;
    this.delayMs = options.delayMs ?? 250;
    this.intervalMs = options.intervalMs ?? 80;
  }

  /** `fraction` in [0, 1]; `detail` goes after the bar. */
  update(fraction: number, detail = ''): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const columns = this.out.columns ?? 80;
    const text = ` ${String(Math.floor(f * 100)).padStart(3)}% ${detail}`;
    const width = Math.max(10, Math.min(40, columns - this.label.length - text.length - 4));
    const full = Math.round(f * width);
    const line = `${this.label} [${'#'.repeat(full)}${'-'.repeat(width - full)}]${text}`;
    this.out.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/**
 * A compile's progress from what is known: bytes read off the disk (always),
 * and functions validated and emitted when the engine reports them. The
 * fraction follows the validated functions when there are any (the module is
 * usable once all are); their JS is emitted later, in the background or on
 * first call.
 */
export class CompileProgressBar {
  private bytesDone = 0;
  private bytesTotal = 0;
  private functionsDone = 0;
  private functionsEmitted = 0;
  private functionsTotal = 0;
  readonly bar: ProgressBar;

  constructor(out: Output, label: string, options?: ProgressBarOptions) {
    this.bar = new ProgressBar(out, label, options);
  }

  /** For `openModuleChunks`. */
  readonly onRead = (done: number, total: number): void => {
    this.bytesDone = done;
    this.bytesTotal = total;
    this.draw();
  };

  /** For the engine's `onProgress`. */
  readonly onProgress = (p: CompileProgress): void => {
    if (p.functionsTotal !== undefined) this.functionsTotal = p.functionsTotal;
    if (p.functionsDone !== undefined) this.functionsDone = p.functionsDone;
    if (p.functionsEmitted !== undefined) this.functionsEmitted = p.functionsEmitted;
    if (p.bytesTotal !== undefined) this.bytesTotal = p.bytesTotal;
    if (p.bytesDone !== undefined) this.bytesDone = p.bytesDone;
    this.draw();
  };

  private draw(): void {
    const read = `${formatBytes(this.bytesDone)} / ${formatBytes(this.bytesTotal)}`;
    if (this.functionsTotal > 0) {
      this.bar.update(
        this.functionsDone / this.functionsTotal,
        `${this.functionsDone}/${this.functionsTotal} functions validated, ${this.functionsEmitted} emitted, ${read}`,
      );
    } else {
      this.bar.update(this.bytesTotal ? this.bytesDone / this.bytesTotal : 0, `${read} read`);
    }
  }

  done(): void {
    this.bar.done();
  }
}

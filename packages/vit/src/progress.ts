/**
 * Training progress: one self-overwriting line on a terminal, plain lines otherwise (CI logs, files),
 * showing loss, accuracy, images/s and the estimated time left.
 */

export interface ProgressState {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  /** Seconds left for the whole run, estimated from the speed so far. */
  etaSeconds: number;
}

/** Where progress goes: process.stdout, or anything with write() (isTTY decides the mode). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** Plain mode: print every `every` steps (default 10). */
  every?: number;
  /** Where lines go (default process.stdout). */
  stream?: ProgressStream;
}

/** h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly every: number;
  private count = 0;
  private open = false;

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stdout;
    this.tty = this.stream.isTTY === true;
    this.every = Math.max(1, opts.every ?? 10);
  }

  /** Called after every step. */
  update(s: ProgressState): void {
    this.count++;
    const text =
      `epoch ${s.epoch}/${s.epochs} ${this.bar(s.batch / s.batches)}${s.batch}/${s.batches} ` +
      `loss ${s.loss.toFixed(4)} acc ${(100 * s.accuracy).toFixed(1)}% ` +
      `${s.imagesPerSecond.toFixed(0)} img/s eta ${formatDuration(s.etaSeconds)}`;
    if (this.tty) {
      this.stream.write(`\r${text}\x1b[K`);
      this.open = true;
    } else if (this.count % this.every === 0 || s.batch === s.batches) {
      this.stream.write(`${text}\n`);
    }
  }

  /** A whole line (epoch summary, warnings), ending any open progress line first. */
  line(text: string): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
    this.stream.write(`${text}\n`);
  }

  private bar(fraction: number): string {
    if (!this.tty) return '';
    const width = 20;
    const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] `;
  }
}

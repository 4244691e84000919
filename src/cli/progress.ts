/**
 * Progress output: a redrawn bar on a terminal, a plain line every 10 % otherwise (pipes, CI
 * logs), nothing when quiet.
 */
export class Progress {
  private total = 0;
  private lastPct = -1;
  private t0 = 0;
  private active = false;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  line(text: string): void {
    if (!this.quiet) this.out.write(text + '\n');
  }

  start(total: number): void {
    this.total = total;
    this.lastPct = -1;
    this.t0 = performance.now();
    this.active = true;
  }

  update(done: number, label: string): void {
    if (this.quiet || !this.active || this.total === 0) return;
    const pct = Math.floor((done / this.total) * 100);
    const rate = done / Math.max(1e-3, (performance.now() - this.t0) / 1000);
    if (this.tty) {
      if (pct === this.lastPct && done !== this.total && done % 50 !== 0) return;
      const width = 30;
      const filled = Math.round((done / this.total) * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const eta = (this.total - done) / Math.max(rate, 1e-9);
      this.out.write(
        `\r[${bar}] ${String(pct).padStart(3)}% ${done}/${this.total} ${rate.toFixed(0)}/s eta ${eta.toFixed(0)}s ${label.slice(0, 40).padEnd(40)}`,
      );
    } else if (pct >= this.lastPct + 10 || done === this.total) {
      this.out.write(`${done}/${this.total} samples (${pct}%), ${rate.toFixed(0)} samples/s\n`);
    } else return;
    this.lastPct = pct;
  }

  finish(): void {
    if (this.active && this.tty && !this.quiet) this.out.write('\n');
    this.active = false;
  }
}

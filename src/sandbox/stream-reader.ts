import type { CappedCollector } from './output.js';

/**
 * Reads one stream of a persistent shell and finds the end marker of the
 * current command in it: what comes before the marker is the command's
 * output, the rest of the marker's line is its trailer.
 */
export class StreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private collector: CappedCollector | null = null;
  private marker: Buffer | null = null;
  private onEnd: ((trailer: string) => void) | null = null;

  expect(marker: string, collector: CappedCollector, onEnd: (trailer: string) => void): void {
    this.marker = Buffer.from(marker);
    this.collector = collector;
    this.onEnd = onEnd;
    this.pending = Buffer.alloc(0);
  }

  feed(chunk: Buffer): void {
    // Output while no command runs comes from background jobs of earlier commands: it belongs to
    // no command, and must not leak into the next one (a grader's, say).
    if (!this.marker || !this.collector) return;
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      const newline = buf.indexOf(10, at + this.marker.length);
      if (newline < 0) {
        this.pending = buf;
        return;
      }
      this.collector.push(buf.subarray(0, at));
      const trailer = buf.subarray(at + this.marker.length, newline).toString('utf8');
      const onEnd = this.onEnd;
      this.marker = null;
      this.collector = null;
      this.onEnd = null;
      this.pending = Buffer.alloc(0);
      onEnd?.(trailer);
      return;
    }
    // Hold back a possible partial marker.
    const hold = Math.min(buf.length, this.marker.length);
    this.collector.push(buf.subarray(0, buf.length - hold));
    this.pending = Buffer.from(buf.subarray(buf.length - hold));
  }

  /** Gives up on the current command (shell died): whatever was read is its output. */
  abandon(): void {
    if (this.collector && this.pending.length > 0) this.collector.push(this.pending);
    this.pending = Buffer.alloc(0);
    this.marker = null;
    this.collector = null;
    this.onEnd = null;
  }
}

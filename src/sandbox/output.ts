/** Output capture: the head and the tail of a stream within a byte budget, and what was cut between them. */

function cutNote(cutBytes: number): string {
  return `\n[... ${cutBytes} bytes cut from the middle of this output ...]\n`;
}

/** Keeps the head and the tail of a stream within a byte budget and counts what it drops. */
export class CappedCollector {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;
  constructor(private readonly maxBytes: number) {}

  private get headMax(): number {
    return Math.floor(this.maxBytes / 2);
  }

  private get tailMax(): number {
    return this.maxBytes - this.headMax;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    const headRoom = this.headMax - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Trimming at twice the budget keeps the work per byte constant.
    if (this.tailBytes > this.tailMax * 2) this.trimTail();
  }

  private trimTail(): void {
    const joined = Buffer.concat(this.tail);
    const kept = joined.subarray(Math.max(0, joined.length - this.tailMax));
    this.tail = [Buffer.from(kept)];
    this.tailBytes = kept.length;
  }

  /** The kept text and the number of bytes cut from the middle. */
  finish(): { text: string; cutBytes: number } {
    this.trimTail();
    const head = Buffer.concat(this.head);
    const tail = this.tail[0] ?? Buffer.alloc(0);
    const cutBytes = this.total - head.length - tail.length;
    if (cutBytes === 0) return { text: Buffer.concat([head, tail]).toString('utf8'), cutBytes };
    return { text: `${head.toString('utf8')}${cutNote(cutBytes)}${tail.toString('utf8')}`, cutBytes };
  }

  /** The raw bytes, for callers that asked for everything (file reads). */
  bytes(): Buffer {
    return Buffer.concat([...this.head, ...this.tail]);
  }
}

/** Keeps the head and tail of a long output and says how much was cut from the middle. */
export function capOutput(text: string, maxBytes: number): { text: string; cutBytes: number } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cutBytes: 0 };
  const collector = new CappedCollector(maxBytes);
  collector.push(Buffer.from(text, 'utf8'));
  return collector.finish();
}

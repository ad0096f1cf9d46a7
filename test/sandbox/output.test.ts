/** Output capture without Docker: head and tail kept within a budget, the cut counted and said. */
import { describe, expect, it } from 'vitest';
import { CappedCollector, capOutput, OUTPUT_LIMITS } from '../../src/sandbox/index.js';
import { StreamReader } from '../../src/sandbox/stream-reader.js';

const NOTE = /\n\[\.\.\. (\d+) bytes cut from the middle of this output \.\.\.\]\n/;

describe('CappedCollector', () => {
  it('keeps everything within the budget, however it arrives', () => {
    const c = new CappedCollector(100);
    for (const part of ['hello ', '', 'wor', 'ld']) c.push(Buffer.from(part));
    expect(c.finish()).toEqual({ text: 'hello world', cutBytes: 0 });
    expect(c.total).toBe(11);
  });

  it('keeps the head and the tail of a long stream and counts the bytes between', () => {
    const c = new CappedCollector(10);
    const text = `HEAD-${'x'.repeat(10_000)}-TAIL`;
    // Many small chunks: the tail is trimmed as it goes, and the result is the same as one push.
    for (let i = 0; i < text.length; i += 7) c.push(Buffer.from(text.slice(i, i + 7)));
    const { text: kept, cutBytes } = c.finish();
    expect(cutBytes).toBe(text.length - 10);
    // The note's capture group sits between head and tail.
    expect(kept.split(NOTE)).toEqual(['HEAD-', String(text.length - 10), '-TAIL']);
  });

  it('gives the raw bytes (head and tail only) to callers that read files', () => {
    const c = new CappedCollector(1000);
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    c.push(bytes);
    expect(c.bytes().equals(bytes)).toBe(true);
  });
});

describe('capOutput', () => {
  it('returns short text unchanged', () => {
    expect(capOutput('short', 16)).toEqual({ text: 'short', cutBytes: 0 });
  });

  it('cuts the middle of long text by bytes, not characters, and says how much', () => {
    const text = `${'a'.repeat(50)}${'é'.repeat(100)}${'z'.repeat(50)}`;
    const bytes = Buffer.byteLength(text);
    const r = capOutput(text, 100);
    expect(r.cutBytes).toBe(bytes - 100);
    expect(r.text.startsWith('a'.repeat(50))).toBe(true);
    expect(r.text.endsWith('z'.repeat(50))).toBe(true);
    expect(r.text).toContain(`[... ${bytes - 100} bytes cut from the middle of this output ...]`);
  });

  it('agrees with the collector a sandbox command goes through', () => {
    const text = 'line\n'.repeat(5_000);
    const c = new CappedCollector(OUTPUT_LIMITS.toModelBytes);
    c.push(Buffer.from(text));
    expect(capOutput(text, OUTPUT_LIMITS.toModelBytes)).toEqual(c.finish());
  });
});

describe('OUTPUT_LIMITS', () => {
  it('holds the documented caps', () => {
    expect(OUTPUT_LIMITS.toModelBytes).toBe(16 * 1024);
    expect(OUTPUT_LIMITS.execStreamBytes).toBe(10 * 1024 * 1024);
    expect(OUTPUT_LIMITS.graderStreamBytes).toBeLessThan(OUTPUT_LIMITS.execStreamBytes);
  });
});

describe('StreamReader', () => {
  const read = (chunks: string[], marker = 'fbo-n0nce') => {
    const reader = new StreamReader();
    const collector = new CappedCollector(1_000);
    const trailers: string[] = [];
    reader.expect(marker, collector, (t) => trailers.push(t));
    for (const chunk of chunks) reader.feed(Buffer.from(chunk));
    return { output: collector.finish().text, trailers, reader };
  };

  it('splits a command output from its end marker and trailer', () => {
    expect(read(['out\nfbo-n0nce 0 ok -\n'])).toMatchObject({ output: 'out\n', trailers: [' 0 ok -'] });
  });

  it('finds a marker split across chunks, even byte by byte', () => {
    const all = 'some output fbo-n0nce 3 timeout 1\nlater';
    expect(read([...all])).toMatchObject({ output: 'some output ', trailers: [' 3 timeout 1'] });
  });

  it('waits for the end of the trailer line', () => {
    const r = read(['x fbo-n0nce 0 o']);
    expect(r.trailers).toEqual([]);
    r.reader.feed(Buffer.from('k -\n'));
    expect(r.trailers).toEqual([' 0 ok -']);
  });

  it('is not fooled by a marker with another nonce', () => {
    const r = read(['fbo-guess 0 ok -\n', 'fbo-n0nce 7 ok -\n']);
    expect(r).toMatchObject({ output: 'fbo-guess 0 ok -\n', trailers: [' 7 ok -'] });
  });

  it('drops output that arrives while no command runs', () => {
    const reader = new StreamReader();
    reader.feed(Buffer.from('background noise\n'));
    const collector = new CappedCollector(100);
    reader.expect('m', collector, () => {});
    reader.feed(Buffer.from('mine'));
    reader.abandon();
    expect(collector.finish().text).toBe('mine');
  });
});

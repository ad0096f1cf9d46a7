/** Keeps the head and tail of a long output and says how much was cut from the middle. */
export function capOutput(text: string, maxBytes: number): { text: string; cutBytes: number } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { text, cutBytes: 0 };
  const buf = Buffer.from(text, 'utf8');
  const half = Math.floor(maxBytes / 2);
  const head = buf.subarray(0, half).toString('utf8');
  const tail = buf.subarray(buf.length - half).toString('utf8');
  const cutBytes = bytes - 2 * half;
  return {
    text: `${head}\n[... ${cutBytes} bytes cut from the middle of this output ...]\n${tail}`,
    cutBytes,
  };
}

/**
 * First SIGINT/SIGTERM: ask the work to stop cleanly (handler runs once).
 * Second: exit at once with 130. Returns a function that removes the handlers.
 */
export function onInterrupt(handler: () => void): () => void {
  let count = 0;
  const listener = (): void => {
    count++;
    if (count === 1) handler();
    else process.exit(130);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}

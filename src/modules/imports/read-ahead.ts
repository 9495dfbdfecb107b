/**
 * Iterates `source` one item ahead: while the caller works on an item (a batch being written
 * to PostgreSQL), the next one is already being read and parsed. At most one item waits, so
 * memory stays bounded and a slow consumer holds the source back (backpressure).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = it.next();
      next.catch(() => {}); // seen when awaited on the next turn
      yield result.value;
    }
  } finally {
    await it.return?.();
  }
}

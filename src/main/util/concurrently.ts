// Work on a list a few items at a time (photos are decoded on libuv's thread pool, so several at
// once keep the cores busy): items start in order, at most `concurrency` at once; once `signal` is
// aborted no new item starts, and those under way finish.
export async function eachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Waits for `work` or `ms`, whichever comes first: true when the work finished in time (its rejection
 * passes through). The timer is always cleared, so a process is never kept alive by a race it has won.
 */
export async function finishedWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

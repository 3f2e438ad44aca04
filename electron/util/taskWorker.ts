import { parentPort } from 'node:worker_threads';
import { transferList } from './worker.ts';

/**
 * The worker side of a WorkerPool: says `ready` once loaded, answers each message with `handle`'s reply
 * (typed arrays transferred, not copied) and reports a throw as `failed` for that message's task.
 */
export function serveTasks<To extends { type: string }, From extends object>(handle: (msg: To) => From | undefined): void {
  const port = parentPort;
  if (!port) throw new Error('a pool worker runs as a worker thread');
  port.on('message', (msg: To) => {
    try {
      const out = handle(msg);
      if (out) port.postMessage(out, transferList(out));
    } catch (e) {
      const err = e instanceof Error ? e : undefined;
      const task = 'task' in msg ? msg.task : -1;
      port.postMessage({ type: 'failed', task, name: err?.name ?? 'Error', message: err?.message ?? String(e), stack: err?.stack });
    }
  });
  port.postMessage({ type: 'ready' });
}

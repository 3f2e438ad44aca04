import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker from a module URL. From source (a .ts entry, as under the CLI and vitest) the worker
 * registers tsx first; a built app passes the bundled .js entry and runs it directly.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}

/** The buffers of a message's typed arrays: transferred rather than copied (the sender must not use them after). */
export function transferList(msg: object): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(msg)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  return out;
}

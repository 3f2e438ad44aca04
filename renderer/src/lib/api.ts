import type { ApiClient, ApiEventName, ApiEvents, ApiMethod, ApiRequest, ApiResponse, JobInfo } from '../../../shared/api/index.ts';
import { httpTransport } from './httpTransport.ts';
import { ipcTransport, type PreloadBridge } from './ipcTransport.ts';

declare global {
  interface Window {
    /** Present only inside Electron, exposed by the preload. */
    redzone?: PreloadBridge;
  }
}

/** Picked once at startup; features never know which transport carries them. */
export const api: ApiClient & { mode: 'ipc' | 'http'; downloadHref(name: string): string | null } = window.redzone ? ipcTransport(window.redzone) : httpTransport();

export function call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  return api.call(method, request);
}

export function on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
  return api.on(event, listener);
}

/**
 * Follows a job until it ends: calls onUpdate with every progress event and resolves with the final
 * state (done, cancelled or failed). Polls once at the start so a job that ended before the
 * subscription is not missed.
 */
export function watchJob<R = unknown>(job: JobInfo, onUpdate: (job: JobInfo<R>) => void = () => {}): Promise<JobInfo<R>> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (j: JobInfo) => {
      onUpdate(j as JobInfo<R>);
      if (j.state !== 'running' && !settled) {
        settled = true;
        off();
        resolve(j as JobInfo<R>);
      }
    };
    const off = on('job', (j) => {
      if (j.id === job.id) finish(j);
    });
    finish(job);
    if (!settled) call('jobs.get', { id: job.id }).then(finish, () => {});
  });
}

/** Unique enough ids for queries the client may cancel before their response arrives. */
export function newId(prefix = 'q'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

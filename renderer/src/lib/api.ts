import type { ApiClient, ApiEventName, ApiEvents, ApiMethod, ApiRequest, ApiResponse, JobInfo } from '../../../shared/api/index.ts';
import { followJob } from '../../../shared/api/followJob.ts';
import { httpTransport } from './httpTransport.ts';
import { ipcTransport, type PreloadBridge } from './ipcTransport.ts';

declare global {
  interface Window {
    /** Present only inside Electron, exposed by the preload. */
    redzone?: PreloadBridge;
  }
}

/** Picked once at startup; features never know which transport carries them. */
export const api: ApiClient & { mode: 'ipc' | 'http'; downloadHref(name: string): string | null } = window.redzone
  ? ipcTransport(window.redzone)
  : httpTransport();

export function call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  return api.call(method, request);
}

export function on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
  return api.on(event, listener);
}

/**
 * Follows a job until it ends (shared/api/followJob.ts): pass the starting call itself, so an end that
 * comes before the call returns is never overwritten by its stale "running" snapshot.
 */
export function watchJob<R = unknown>(job: JobInfo<R> | (() => Promise<JobInfo<R>>), onUpdate: (job: JobInfo<R>) => void = () => {}): Promise<JobInfo<R>> {
  return followJob(api, job, onUpdate);
}

/** Unique enough ids for queries the client may cancel before their response arrives. */
export function newId(prefix = 'q'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

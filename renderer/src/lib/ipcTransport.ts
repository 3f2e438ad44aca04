import { unwrap, type Envelope } from '../../../shared/api/envelope.ts';
import type { ApiClient } from '../../../shared/api/index.ts';

/** What the preload exposes with contextBridge, and nothing more. */
export interface PreloadBridge {
  call(method: string, request: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Asks the main process to show a saved file in the OS file manager. */
  reveal(path: string): Promise<void>;
}

/** Electron: structured clone carries typed arrays as they are, so no framing is needed. */
export function ipcTransport(bridge: PreloadBridge): ApiClient & { mode: 'ipc'; downloadHref(name: string): null } {
  return {
    mode: 'ipc',
    call: async (method, request) => unwrap((await bridge.call(method, request)) as Envelope<never>),
    on: (event, listener) => bridge.on(event, listener as (p: unknown) => void),
    downloadHref: () => null,
  };
}

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// The renderer gets exactly this object: no ipcRenderer, no process, no Node.
contextBridge.exposeInMainWorld('redzone', {
  call: (method: string, request: unknown) => ipcRenderer.invoke('rz:call', method, request),
  on(event: string, listener: (payload: unknown) => void) {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('rz:event', handler);
    return () => ipcRenderer.removeListener('rz:event', handler);
  },
  reveal: (path: string) => ipcRenderer.invoke('rz:reveal', path),
});

import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { createApp, type App } from '../api/app.ts';
import { demoWorkspacePath, loadDemoIfEmpty } from '../api/demo.ts';
import { CONTENT_SECURITY_POLICY } from '../api/http.ts';
import { resolveWorkspacePath } from '../workspace/paths.ts';

// The main process stays thin: one window with locked-down settings, IPC ↔ the same router as browser mode.
let redzone: App | null = null;
let window: BrowserWindow | null = null;

const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by electron-vite dev only

function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!window || event.sender !== window.webContents || !frame || frame !== window.webContents.mainFrame) return false;
  const url = new URL(frame.url);
  return rendererUrl ? url.origin === new URL(rendererUrl).origin : url.protocol === 'file:';
}

function workspaceFlag(): string | undefined {
  const i = process.argv.indexOf('--workspace');
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function start() {
  const demo = process.argv.includes('--demo');
  redzone = await createApp(resolveWorkspacePath(workspaceFlag() ?? (demo ? demoWorkspacePath() : undefined)));
  if (demo) await loadDemoIfEmpty(redzone);
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No remote content: anything that is not our own page is refused.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const ours = url.startsWith('file:') || url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:') || (rendererUrl !== undefined && url.startsWith(rendererUrl));
    callback({ cancel: !ours });
  });

  ipcMain.handle('rz:call', (event, method: unknown, request: unknown) => {
    if (!fromOurWindow(event)) return { ok: false, error: { code: 'FORBIDDEN', message: 'unknown sender' } };
    return redzone!.router.call(String(method), request);
  });
  ipcMain.handle('rz:reveal', (event, path: unknown) => {
    if (fromOurWindow(event) && typeof path === 'string') shell.showItemInFolder(path);
  });
  redzone.services.events.subscribe((name, payload) => window?.webContents.send('rz:event', name, payload));

  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Redzone',
    backgroundColor: '#111418',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (e) => e.preventDefault());
  if (rendererUrl) await window.loadURL(rendererUrl);
  else await window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});
app.whenReady().then(start, (e) => {
  console.error(e);
  app.quit();
});
app.on('window-all-closed', async () => {
  await redzone?.close(); // lets running jobs stop and DuckDB checkpoint before the process ends
  app.quit();
});

import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { createApp, type App } from '../api/app.ts';
import { demoWorkspacePath, loadDemoIfEmpty } from '../api/demo.ts';
import { CONTENT_SECURITY_POLICY } from '../api/http.ts';
import { resolveWorkspacePath } from '../workspace/paths.ts';
import { showInboxNotifications } from './notifications.ts';
import { isOwnRequest, isTrustedSender, WEB_PREFERENCES } from './security.ts';

// The main process stays thin: one window with locked-down settings, IPC ↔ the same router as browser mode.
let redzone: App | null = null;
let window: BrowserWindow | null = null;

const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by electron-vite dev only

function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender({ fromOurWindow: !!window && event.sender === window.webContents, mainFrame: !!frame && frame === window?.webContents.mainFrame, url: frame?.url ?? '' }, rendererUrl);
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
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isOwnRequest(details.url, rendererUrl) }));

  ipcMain.handle('rz:call', (event, method: unknown, request: unknown) => {
    if (!fromOurWindow(event)) return { ok: false, error: { code: 'FORBIDDEN', message: 'unknown sender' } };
    return redzone!.router.call(String(method), request);
  });
  ipcMain.handle('rz:reveal', (event, path: unknown) => {
    if (fromOurWindow(event) && typeof path === 'string') shell.showItemInFolder(path);
  });
  redzone.services.events.subscribe((name, payload) => window?.webContents.send('rz:event', name, payload));
  showInboxNotifications(redzone.services.events, () => window);

  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Redzone',
    backgroundColor: '#111418',
    webPreferences: { ...WEB_PREFERENCES, preload: join(import.meta.dirname, '../preload/index.cjs') },
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

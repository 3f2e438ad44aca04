import { app, BrowserWindow, ipcMain, net, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeWithin, createApp, type App } from '../api/app.ts';
import { demoWorkspacePath, loadDemoIfEmpty } from '../api/demo.ts';
import { CONTENT_SECURITY_POLICY } from '../api/http.ts';
import { resolveWorkspacePath } from '../workspace/paths.ts';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appFilePath,
  devServerUrl,
  isOwnRequest,
  isTrustedSender,
  navigationAllowed,
  startUrl,
  webPreferences,
} from './security.ts';
import { showInboxNotifications } from './notifications.ts';

// The main process stays thin: one window with locked-down settings, IPC ↔ the same router as browser mode.
let redzone: App | null = null;
let window: BrowserWindow | null = null;

const rendererUrl = devServerUrl(app.isPackaged, process.env); // electron-vite dev only, never when packaged
const RENDERER_DIR = join(import.meta.dirname, '../renderer');

// Must happen before ready: app:// is a standard, secure origin (CSP 'self', fetch) and nothing more.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(
    { fromOurWindow: !!window && event.sender === window.webContents, mainFrame: !!frame && frame === window?.webContents.mainFrame, url: frame?.url ?? '' },
    rendererUrl,
  );
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
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const file = appFilePath(request.url, RENDERER_DIR);
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
  // Every permission is refused but writing text to the clipboard (a grid's Ctrl+C); reading it stays refused.
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  ses.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
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
    webPreferences: { ...webPreferences(app.isPackaged), preload: join(import.meta.dirname, '../preload/index.cjs') },
  });
  await window.loadURL(startUrl(rendererUrl));
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Links, redirects and frames never leave our origin.
  const guard = (e: { preventDefault(): void }, url: string) => {
    if (!navigationAllowed(url, rendererUrl)) e.preventDefault();
  };
  contents.on('will-navigate', (e) => guard(e, e.url));
  contents.on('will-redirect', (e) => guard(e, e.url));
  contents.on('will-frame-navigate', (e) => guard(e, e.url));
});
app.whenReady().then(start, (e) => {
  console.error(e);
  app.quit();
});
app.on('window-all-closed', async () => {
  // Lets running jobs stop and DuckDB checkpoint, but never holds the quit longer than 2 s.
  if (redzone) await closeWithin(redzone, 1500);
  app.quit();
});

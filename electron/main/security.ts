/**
 * The desktop window's security decisions as plain data and functions, so they are tested without
 * Electron (which cannot run on every machine that builds Redzone). index.ts only wires them in.
 */

/** webPreferences minus the preload path: isolated, sandboxed, no Node in the page. */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

/** No remote content: only our own page (the built files, or electron-vite's dev server) and in-page data. */
export function isOwnRequest(url: string, devServerUrl?: string): boolean {
  if (url.startsWith('file:') || url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:')) return true;
  return devServerUrl !== undefined && sameOrigin(url, devServerUrl);
}

export interface IpcSender {
  /** The sender is our window's webContents. */
  fromOurWindow: boolean;
  /** The sending frame is that window's main frame (not an iframe). */
  mainFrame: boolean;
  /** The sending frame's URL. */
  url: string;
}

/** IPC is answered only for our window's main frame showing our own page. */
export function isTrustedSender(sender: IpcSender, devServerUrl?: string): boolean {
  if (!sender.fromOurWindow || !sender.mainFrame) return false;
  return devServerUrl ? sameOrigin(sender.url, devServerUrl) : sender.url.startsWith('file:');
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * The desktop window's security decisions as plain data and functions, so they are tested without
 * Electron (which cannot run on every machine that builds Redzone). index.ts only wires them in.
 */
import { normalize, sep } from 'node:path';

/** The renderer is served over this scheme, not file: (any file: URL would otherwise be "ours"). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'redzone';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** protocol.registerSchemesAsPrivileged: a standard, secure origin (so CSP 'self' and fetch work), nothing more. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
} as const;

/** webPreferences minus the preload path: isolated, sandboxed, no Node in the page; DevTools only in development. */
export function webPreferences(packaged: boolean) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools: !packaged,
  } as const;
}

/** The development build's settings (kept for the tests that predate packaging). */
export const WEB_PREFERENCES = webPreferences(false);

/**
 * The dev server's URL, honoured only in development: in a packaged app an environment variable must
 * not make the window load, and IPC trust, another origin.
 */
export function devServerUrl(packaged: boolean, env: Record<string, string | undefined>): string | undefined {
  if (packaged) return undefined;
  const url = env.ELECTRON_RENDERER_URL;
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost') ? url : undefined;
  } catch {
    return undefined;
  }
}

/** What the window loads: electron-vite's dev server in development, else our own scheme. */
export const startUrl = (devServer: string | undefined): string => devServer ?? APP_ENTRY;

/** No remote content: only our own page (app://redzone, or the dev server) and in-page data. */
export function isOwnRequest(url: string, devServer?: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  if (devServer !== undefined && (sameOrigin(url, devServer) || url.startsWith('devtools:'))) return true;
  return sameOrigin(url, APP_ORIGIN);
}

export interface IpcSender {
  /** The sender is our window's webContents. */
  fromOurWindow: boolean;
  /** The sending frame is that window's main frame (not an iframe). */
  mainFrame: boolean;
  /** The sending frame's URL. */
  url: string;
}

/** IPC is answered only for our window's main frame showing our own origin. */
export function isTrustedSender(sender: IpcSender, devServer?: string): boolean {
  if (!sender.fromOurWindow || !sender.mainFrame) return false;
  return sameOrigin(sender.url, devServer ?? APP_ORIGIN);
}

/**
 * will-navigate, will-redirect and will-frame-navigate: the app is one page, so any navigation
 * (a link, a redirect, a frame) that leaves our origin is refused.
 */
export function navigationAllowed(url: string, devServer?: string): boolean {
  return sameOrigin(url, devServer ?? APP_ORIGIN);
}

/**
 * The file an app:// request names under the renderer folder, or null for another host or a path
 * that climbs out of it.
 */
export function appFilePath(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null;
  }
  const full = normalize(`${root}${sep}${rel}`);
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    // URL.origin is "null" for non-special schemes such as app:, so compare the parts.
    return x.protocol === y.protocol && x.host === y.host;
  } catch {
    return false;
  }
}

/**
 * Electron fuses flipped in the packaged binary (@electron/fuses names, as electron-builder's
 * `electronFuses` takes them): no running as plain Node, no NODE_OPTIONS or --inspect, cookies
 * encrypted, the app loaded only from an integrity-checked ASAR, file: without extra privileges.
 */
export const ELECTRON_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** The electron-builder configuration (electron-builder.config.mjs exports exactly this). */
export function builderConfig() {
  return {
    appId: 'dev.redzone.app',
    productName: 'Redzone',
    directories: { output: 'dist', buildResources: 'build' },
    files: ['out/**/*', 'package.json'],
    asar: true,
    // DuckDB's native addon cannot load from inside the ASAR.
    asarUnpack: ['node_modules/@duckdb/**'],
    electronFuses: ELECTRON_FUSES,
    linux: { target: ['AppImage'], category: 'Science' },
    mac: { target: ['dmg'], hardenedRuntime: true },
    win: { target: ['nsis'] },
  };
}

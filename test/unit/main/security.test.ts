import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  APP_SCHEME_PRIVILEGES,
  appFilePath,
  builderConfig,
  devServerUrl,
  ELECTRON_FUSES,
  isOwnRequest,
  isTrustedSender,
  navigationAllowed,
  startUrl,
  webPreferences,
  WEB_PREFERENCES,
} from '../../../electron/main/security.ts';
import { CONTENT_SECURITY_POLICY } from '../../../electron/api/http.ts';
import builderFile from '../../../electron-builder.config.mjs';

describe('desktop window security', () => {
  it('isolates and sandboxes the page, without Node', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('has a CSP without eval or remote sources', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  it('loads only its own app:// page and in-page data (file: is not ours any more)', () => {
    expect(isOwnRequest('app://redzone/index.html')).toBe(true);
    expect(isOwnRequest('app://redzone/assets/index-abc.js')).toBe(true);
    expect(isOwnRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isOwnRequest('blob:app://redzone/5c1e')).toBe(true);
    expect(isOwnRequest('file:///opt/redzone/out/renderer/index.html')).toBe(false);
    expect(isOwnRequest('file:///etc/passwd')).toBe(false);
    expect(isOwnRequest('app://evil/index.html')).toBe(false);
    expect(isOwnRequest('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(isOwnRequest('https://cdn.plot.ly/plotly.js')).toBe(false);
    expect(isOwnRequest('http://127.0.0.1:5173/src/main.ts')).toBe(false);
    expect(isOwnRequest('http://127.0.0.1:5173/src/main.ts', 'http://127.0.0.1:5173')).toBe(true);
    // A prefix is not an origin: the dev server's URL must not admit a look-alike host.
    expect(isOwnRequest('http://127.0.0.1:51730/x', 'http://127.0.0.1:5173')).toBe(false);
    expect(isOwnRequest('not a url', 'http://127.0.0.1:5173')).toBe(false);
  });

  it('answers IPC only from its own window main frame showing its own origin', () => {
    const ok = { fromOurWindow: true, mainFrame: true, url: 'app://redzone/index.html#/sql' };
    expect(isTrustedSender(ok)).toBe(true);
    expect(isTrustedSender({ ...ok, fromOurWindow: false })).toBe(false);
    expect(isTrustedSender({ ...ok, mainFrame: false })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'file:///tmp/evil.html' })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'app://redzone.evil/index.html' })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'http://127.0.0.1:5173/' }, 'http://127.0.0.1:5173')).toBe(true);
    expect(isTrustedSender(ok, 'http://127.0.0.1:5173')).toBe(false);
    expect(isTrustedSender({ ...ok, url: '' })).toBe(false);
  });

  it('refuses navigation, redirects and frames that leave its origin', () => {
    expect(navigationAllowed('app://redzone/index.html')).toBe(true);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/x', 'javascript:alert(1)', 'http://127.0.0.1:5173/'])
      expect(navigationAllowed(url)).toBe(false);
    expect(navigationAllowed('http://127.0.0.1:5173/', 'http://127.0.0.1:5173')).toBe(true);
  });

  it('serves app:// only from the renderer folder', () => {
    const root = join('/opt', 'redzone', 'out', 'renderer');
    expect(appFilePath('app://redzone/', root)).toBe(join(root, 'index.html'));
    expect(appFilePath('app://redzone/assets/a.js?v=1', root)).toBe(join(root, 'assets', 'a.js'));
    expect(appFilePath('app://redzone/../../etc/passwd', root)).toBe(join(root, 'etc', 'passwd')); // URL parsing folds the climb
    expect(appFilePath('app://redzone/..%2F..%2F..%2Fetc%2Fpasswd', root)).toBeNull();
    expect(appFilePath('app://redzone/%E0%A4%A', root)).toBeNull();
    expect(appFilePath('app://other/index.html', root)).toBeNull();
    expect(appFilePath('file:///etc/passwd', root)).toBeNull();
  });
});

describe('packaged-mode settings, built as data', () => {
  const packaged = { prefs: webPreferences(true), devServer: devServerUrl(true, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' }) };

  it('loads the custom protocol, never a URL from the environment, with DevTools off', () => {
    expect(packaged.devServer).toBeUndefined();
    expect(startUrl(packaged.devServer)).toBe(APP_ENTRY);
    expect(APP_ENTRY).toBe('app://redzone/index.html');
    expect(packaged.prefs.devTools).toBe(false);
    expect(packaged.prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, bypassCSP: false, corsEnabled: false });
  });

  it('honours the dev server only in development, and only on loopback http', () => {
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' })).toBe('http://127.0.0.1:5173');
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example' })).toBeUndefined();
    expect(devServerUrl(false, {})).toBeUndefined();
    expect(webPreferences(false).devTools).toBe(true);
  });

  it('flips the fuses: no RunAsNode, cookies encrypted, ASAR integrity, only-load-from-ASAR', () => {
    expect(ELECTRON_FUSES).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('has an electron-builder config file that packs an ASAR with those fuses', () => {
    expect(builderFile).toEqual(builderConfig());
    expect(builderFile).toMatchObject({ asar: true, electronFuses: ELECTRON_FUSES });
    expect(builderFile.files).toContain('out/**/*');
  });
});

import { describe, expect, it } from 'vitest';
import { isOwnRequest, isTrustedSender, WEB_PREFERENCES } from '../../../electron/main/security.ts';
import { CONTENT_SECURITY_POLICY } from '../../../electron/api/http.ts';

describe('desktop window security', () => {
  it('isolates and sandboxes the page, without Node', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false });
  });

  it('has a CSP without eval or remote sources', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  it('loads only its own files and in-page data', () => {
    expect(isOwnRequest('file:///opt/redzone/out/renderer/index.html')).toBe(true);
    expect(isOwnRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isOwnRequest('blob:file:///5c1e')).toBe(true);
    expect(isOwnRequest('https://cdn.plot.ly/plotly.js')).toBe(false);
    expect(isOwnRequest('http://127.0.0.1:5173/src/main.ts')).toBe(false);
    expect(isOwnRequest('http://127.0.0.1:5173/src/main.ts', 'http://127.0.0.1:5173')).toBe(true);
    // A prefix is not an origin: the dev server's URL must not admit a look-alike host.
    expect(isOwnRequest('http://127.0.0.1:51730/x', 'http://127.0.0.1:5173')).toBe(false);
    expect(isOwnRequest('not a url', 'http://127.0.0.1:5173')).toBe(false);
  });

  it('answers IPC only from its own window main frame showing its own page', () => {
    const ok = { fromOurWindow: true, mainFrame: true, url: 'file:///opt/redzone/out/renderer/index.html' };
    expect(isTrustedSender(ok)).toBe(true);
    expect(isTrustedSender({ ...ok, fromOurWindow: false })).toBe(false);
    expect(isTrustedSender({ ...ok, mainFrame: false })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'http://127.0.0.1:5173/' }, 'http://127.0.0.1:5173')).toBe(true);
    expect(isTrustedSender(ok, 'http://127.0.0.1:5173')).toBe(false);
    expect(isTrustedSender({ ...ok, url: '' })).toBe(false);
  });
});

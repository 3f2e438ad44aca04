import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

// Electron cannot run on every machine that builds Redzone, so the contract of the preload is checked on the
// bundle Electron would load: out/preload/index.cjs, run as a CommonJS module with a stand-in
// `electron` that records what the preload asks of it. `npm test` builds before vitest runs.

const ROOT = join(import.meta.dirname, '../../..');
const BUNDLE = join(ROOT, 'out/preload/index.cjs');
const SOURCE = join(ROOT, 'electron/preload/index.ts');

interface Loaded {
  source: string;
  required: string[];
  electronProps: Set<string>;
  exposed: { key: string; api: Record<string, unknown> }[];
  ipc: EventEmitter & { invoked: unknown[][] };
}

function loadBundle(): Loaded {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test builds before it runs vitest)`);
  if (statSync(BUNDLE).mtimeMs < statSync(SOURCE).mtimeMs)
    throw new Error(`${BUNDLE} is older than ${SOURCE}: run \`npm run build\` to test the preload as it is now`);
  const source = readFileSync(BUNDLE, 'utf8');
  const required: string[] = [];
  const electronProps = new Set<string>();
  const exposed: Loaded['exposed'] = [];
  const ipc = Object.assign(new EventEmitter(), { invoked: [] as unknown[][] });
  const ipcRenderer = Object.assign(ipc, {
    invoke: (...args: unknown[]) => {
      ipc.invoked.push(args);
      return Promise.resolve({ ok: true, value: args });
    },
  });
  const contextBridge = { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) };
  // Records every Electron API the preload touches; anything beyond these two is a finding.
  const electron = new Proxy({ contextBridge, ipcRenderer } as Record<string, unknown>, {
    get(target, prop) {
      electronProps.add(String(prop));
      return target[prop as string];
    },
  });

  // Compiled as Node's CommonJS loader compiles a module, but strictly: Node would quietly retry a file
  // with import/export as an ES module, which a sandboxed preload cannot be.
  let body: ReturnType<typeof compileFunction>;
  try {
    body = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: BUNDLE });
  } catch (e) {
    throw new Error(`${BUNDLE} is not CommonJS: ${(e as Error).message}`);
  }
  const mod = new Module(BUNDLE);
  mod.filename = BUNDLE;
  // The require a sandboxed preload gets offers little beyond `electron`; this one offers only that.
  const requireStandIn = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`the preload required "${id}": a sandboxed preload may require only electron`);
  };
  body.call(mod.exports, mod.exports, requireStandIn, mod, BUNDLE, dirname(BUNDLE));
  return { source, required, electronProps, exposed, ipc };
}

let loaded: Loaded;
let bridge: {
  call(method: string, request: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  reveal(path: string): Promise<unknown>;
};

beforeAll(() => {
  loaded = loadBundle();
  bridge = loaded.exposed[0]?.api as typeof bridge;
});

describe('the preload bundle', () => {
  it('is CommonJS that requires nothing but electron', () => {
    // It compiled as CommonJS (see loadBundle); Electron must load it as such, and it must not import at run time.
    expect(BUNDLE.endsWith('.cjs')).toBe(true);
    expect(loaded.source).not.toMatch(/\bimport\s*\(/);
    expect(loaded.required).toEqual(['electron']);
  });

  it('exposes exactly one key, redzone, with exactly call, on and reveal', () => {
    expect(loaded.exposed.map((e) => e.key)).toEqual(['redzone']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on', 'reveal']);
    for (const f of Object.values(bridge)) expect(typeof f).toBe('function');
    // Nothing registers a listener or sends a message before the page asks.
    expect(loaded.ipc.eventNames()).toEqual([]);
    expect(loaded.ipc.invoked).toEqual([]);
  });

  it('call invokes rz:call with the method and request, and hands back what the main process answers', async () => {
    const request = { sql: 'SELECT 1', queryId: 'q1' };
    await expect(bridge.call('sql.run', request)).resolves.toEqual({ ok: true, value: ['rz:call', 'sql.run', request] });
    expect(loaded.ipc.invoked.at(-1)).toEqual(['rz:call', 'sql.run', request]);
    await bridge.reveal('/tmp/bans.csv');
    expect(loaded.ipc.invoked.at(-1)).toEqual(['rz:reveal', '/tmp/bans.csv']);
  });

  it('on delivers only its event, only the payload, and its unsubscribe removes exactly its listener', () => {
    const jobs: unknown[][] = [];
    const changes: unknown[][] = [];
    const offJobs = bridge.on('job', (...args) => jobs.push(args));
    const offChanges = bridge.on('workspace.changed', (...args) => changes.push(args));
    expect(loaded.ipc.listenerCount('rz:event')).toBe(2);
    // Electron's event object carries `sender` (the ipcRenderer itself): it must never reach the page.
    const ipcEvent = { sender: loaded.ipc, senderId: 0 };
    loaded.ipc.emit('rz:event', ipcEvent, 'job', { id: 'j1', state: 'running' });
    loaded.ipc.emit('rz:event', ipcEvent, 'workspace.changed', { reason: 'import' });
    expect(jobs).toEqual([[{ id: 'j1', state: 'running' }]]);
    expect(changes).toEqual([[{ reason: 'import' }]]);

    offJobs();
    expect(loaded.ipc.listenerCount('rz:event')).toBe(1);
    loaded.ipc.emit('rz:event', ipcEvent, 'job', { id: 'j2' });
    loaded.ipc.emit('rz:event', ipcEvent, 'workspace.changed', { reason: 'forget' });
    expect(jobs).toHaveLength(1);
    expect(changes).toEqual([[{ reason: 'import' }], [{ reason: 'forget' }]]);
    offChanges();
    expect(loaded.ipc.listenerCount('rz:event')).toBe(0);
  });

  it('nothing it exposes or returns is ipcRenderer, process, or a way to them', () => {
    const forbidden = new Set<unknown>([loaded.ipc, process, Module, globalThis]);
    const reached: unknown[] = [];
    const walk = (value: unknown, depth: number) => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || depth > 3) return;
      reached.push(value);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (typeof value === 'function' && ['caller', 'callee', 'arguments'].includes(key)) continue;
        walk((value as Record<string, unknown>)[key], depth + 1);
      }
    };
    walk(bridge, 0);
    const off = bridge.on('job', () => {});
    walk(off, 0);
    off();
    expect(reached.filter((v) => forbidden.has(v))).toEqual([]);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipcRenderer|process|require/);
  });

  it('touched no Electron API but contextBridge and ipcRenderer, through every call above', () => {
    expect([...loaded.electronProps].filter((p) => p !== 'contextBridge' && p !== 'ipcRenderer')).toEqual([]);
    expect(loaded.electronProps.has('contextBridge')).toBe(true);
  });
});

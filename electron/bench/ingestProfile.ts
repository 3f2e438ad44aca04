/**
 * Profiling aid for the lake import (not a bench suite): imports a folder into a fresh workspace and
 * prints the time spent in each kind of SQL statement. Usage: node --import tsx electron/bench/ingestProfile.ts DIR DB
 */
import { rm, stat } from 'node:fs/promises';
import { importPath } from '../lake/import.ts';
import { lakeSchema } from '../lake/schema.ts';
import { openWorkspace } from '../workspace/workspace.ts';

const [dir, dbPath] = process.argv.slice(2);
await rm(dbPath, { force: true });
await rm(`${dbPath}.wal`, { force: true });
const ws = await openWorkspace(dbPath, [lakeSchema]);
const totals = new Map<string, { ms: number; n: number }>();
const connect = ws.connect;
ws.connect = async () => {
  const conn = await connect();
  for (const m of ['run', 'runAndReadAll'] as const) {
    const orig = (conn[m] as (...a: unknown[]) => Promise<unknown>).bind(conn);
    (conn as unknown as Record<string, unknown>)[m] = async (sql: string, ...rest: unknown[]) => {
      const t = performance.now();
      try {
        return await orig(sql, ...rest);
      } finally {
        const key = sql.trim().replace(/\s+/g, ' ').slice(0, 40);
        const e = totals.get(key) ?? { ms: 0, n: 0 };
        e.ms += performance.now() - t;
        e.n++;
        totals.set(key, e);
      }
    };
  }
  return conn;
};
const t0 = performance.now();
const summary = await importPath(ws, dir);
const t1 = performance.now();
await ws.db.run('CHECKPOINT');
const t2 = performance.now();
console.log(
  `rows ${summary.rows} files ${summary.files} import ${(t1 - t0).toFixed(0)} ms checkpoint ${(t2 - t1).toFixed(0)} ms rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
for (const [k, v] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(5)}× ${k}`);
ws.close();
console.log(`workspace ${((await stat(dbPath)).size / 1e6).toFixed(0)} MB`);

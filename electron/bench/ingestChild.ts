/**
 * One measurement of the ingest bench, in a process of its own so its peak memory is its own:
 * `count` (DuckDB's SELECT count(*) FROM read_json), `scan` (every column read with its type),
 * `ctas` (DuckDB copying the files into a fresh database) or `import` (the lake import).
 * Prints {ms, rows, maxRssBytes, dbBytes} as JSON; ms covers the work only (not process start or opening).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { importPath } from '../lake/import.ts';
import { lakeSchema } from '../lake/schema.ts';
import { columnsStruct } from '../lake/sqlSpec.ts';
import { PLAYLOG } from '../lake/logs.ts';
import { quoteLiteral } from '../workspace/sqlText.ts';
import { openWorkspace } from '../workspace/workspace.ts';

const [mode, dir, dbPath, compression] = process.argv.slice(2);

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function sizeOf(path: string): Promise<number> {
  const sizes = await Promise.all(
    [path, `${path}.wal`].map((p) =>
      stat(p).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes[0] + sizes[1];
}

let rows = 0;
let dbBytes = 0;
let ms = 0;
if (mode === 'import') {
  const ws = await openWorkspace(dbPath, [lakeSchema]);
  const started = performance.now();
  rows = (await importPath(ws, dir)).rows;
  await ws.db.run('CHECKPOINT');
  ms = performance.now() - started;
  ws.close();
  dbBytes = await sizeOf(dbPath);
} else {
  const instance = await DuckDBInstance.create(mode === 'ctas' ? dbPath : ':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await instance.connect();
  const source = `read_json([${(await files(dir)).map(quoteLiteral).join(', ')}], columns=${columnsStruct(PLAYLOG)}, format='newline_delimited', compression='${compression}')`;
  const sql = {
    count: `SELECT count(*)::DOUBLE FROM ${source}`,
    scan: `SELECT count(*)::DOUBLE, sum(posnewx + posnewy + posnewz + posoldx + posoldy + posoldz + pidx + idx + action), max(createdate) FROM ${source}`,
    ctas: `CREATE TABLE playlog AS SELECT * FROM ${source}; SELECT count(*)::DOUBLE FROM playlog`,
  }[mode];
  if (!sql) throw new Error(`unknown mode ${mode}`);
  const started = performance.now();
  rows = Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  if (mode === 'ctas') await conn.run('CHECKPOINT');
  ms = performance.now() - started;
  conn.closeSync();
  instance.closeSync();
  if (mode === 'ctas') dbBytes = await sizeOf(dbPath);
}
process.stdout.write(JSON.stringify({ ms, rows, maxRssBytes: process.resourceUsage().maxRSS * 1024, dbBytes }));

/**
 * Issue #3's benchmark: importing generated play logs (JSON lines, plain and gzipped, 2M and 20M rows)
 * as ratios to DuckDB reading the same files in the same run. Each measurement runs in its own process
 * (peak memory is per process). References: `count` = SELECT count(*) FROM read_json(...) (the issue's
 * reference; DuckDB skips parsing values it does not need), `scan` = every column read with its type,
 * `ctas` = DuckDB copying the files into a fresh database (the size reference).
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateDemo } from '../lake/generate/index.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'ingestChild.ts');

interface Measured {
  ms: number;
  rows: number;
  maxRssBytes: number;
  dbBytes: number;
}

async function measure(mode: string, dir: string, db: string, compression: string): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, mode, dir, db, compression], { cwd: ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measured;
}

/** Generated data is cached under .bench/data (deterministic per seed; labels.csv marks a complete set). */
async function dataSet(rows: number, gzip: boolean): Promise<{ dir: string; bytes: number }> {
  const out = join(ROOT, '.bench', 'data', `ingest-${rows}${gzip ? '-gz' : ''}`);
  const ready = await access(join(out, 'labels.csv')).then(
    () => true,
    () => false,
  );
  if (!ready) await generateDemo({ out, rows, players: Math.max(2000, Math.round(rows / 2000)), seed: 1, gzip });
  const dir = join(out, 'playlog');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(join(e.parentPath, e.name)).then((s) => s.size)));
  return { dir, bytes: sizes.reduce((a, b) => a + b, 0) };
}

export async function benchIngest(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const sizes = opts.quick ? [200_000] : [2_000_000, 20_000_000];
  const out: BenchRow[] = [];
  const tmp = await mkdtemp(join(tmpdir(), 'rz-bench-ingest-'));
  try {
    for (const rows of sizes) {
      for (const gzip of [false, true]) {
        const { dir, bytes } = await dataSet(rows, gzip);
        const compression = gzip ? 'gzip' : 'uncompressed';
        const label = `${(rows / 1e6).toLocaleString('en-US')}M rows ${gzip ? 'json.gz' : 'json'}`;
        const count = await measure('count', dir, '', compression);
        const scan = await measure('scan', dir, '', compression);
        const ctas = await measure('ctas', dir, join(tmp, `ctas-${rows}-${gzip}.duckdb`), compression);
        const imp = await measure('import', dir, join(tmp, `import-${rows}-${gzip}.duckdb`), compression);
        if (imp.rows !== rows || count.rows !== rows)
          throw new Error(`ingest bench: expected ${rows} rows, import loaded ${imp.rows}, DuckDB counted ${count.rows}`);
        const rate = (m: Measured) => rows / (m.ms / 1000);
        const row = (metric: string, value: number, unit: string, note?: string): BenchRow => ({
          suite: 'ingest',
          case: label,
          metric,
          value,
          unit,
          ...(note ? { note } : {}),
        });
        out.push(
          row('import rows/s', rate(imp), 'rows/s'),
          row('import MB/s', bytes / 1e6 / (imp.ms / 1000), 'MB/s', `${(bytes / 1e6).toFixed(0)} MB of objects`),
          row('rows/s ÷ count(*)', rate(imp) / rate(count), 'ratio', `count(*) ${Math.round(rate(count)).toLocaleString('en-US')} rows/s; target ≥ 0.7`),
          row('rows/s ÷ typed scan', rate(imp) / rate(scan), 'ratio', `scan ${Math.round(rate(scan)).toLocaleString('en-US')} rows/s`),
          row('rows/s ÷ DuckDB CTAS', rate(imp) / rate(ctas), 'ratio', `CTAS ${Math.round(rate(ctas)).toLocaleString('en-US')} rows/s`),
          // DuckDB's own ceilings for the ratio: any import must at least read every value with its
          // type (the typed scan, storing nothing) and then store it (CTAS does both, as DuckDB does them).
          row('DuckDB typed scan ÷ count(*)', rate(scan) / rate(count), 'ratio', 'reading the values, storing nothing'),
          row('DuckDB CTAS ÷ count(*)', rate(ctas) / rate(count), 'ratio', 'DuckDB itself reading and storing these rows'),
          row('workspace size', imp.dbBytes / 1e6, 'MB', `${(imp.dbBytes / ctas.dbBytes).toFixed(2)}× DuckDB CTAS (${(ctas.dbBytes / 1e6).toFixed(0)} MB)`),
          row('workspace size ÷ CTAS', imp.dbBytes / ctas.dbBytes, 'ratio'),
          row(
            'peak memory',
            imp.maxRssBytes / 1e6,
            'MB',
            `count(*) ${(count.maxRssBytes / 1e6).toFixed(0)} MB, CTAS ${(ctas.maxRssBytes / 1e6).toFixed(0)} MB`,
          ),
          row('peak memory ÷ count(*)', imp.maxRssBytes / count.maxRssBytes, 'ratio'),
        );
        await rm(join(tmp, `ctas-${rows}-${gzip}.duckdb`), { force: true });
        await rm(join(tmp, `import-${rows}-${gzip}.duckdb`), { force: true });
      }
    }
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The bad-input corpus (issue #16): each case is a folder of its own, imported through the fast path
 * (DuckDB's readers first, as in production) and through the careful path alone, into two workspaces.
 * For every case and both paths: the import finishes, the bad part is quarantined (or passed over) with
 * a clear reason, every good row loads (loaded + quarantined = records per file), a re-import changes
 * nothing, and both paths hold exactly the same rows. Then, over all the poison at once, the features
 * still work: a scoring run, the flagged list, a player, the map cache, the ban-list export.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { openWorkspace } from '../../../electron/workspace/workspace.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { quoteLiteral } from '../../../electron/workspace/sqlText.ts';
import type { ImportSummary } from '../../../shared/api/lake.ts';
import type { FlaggedPage, PlayerDetail } from '../../../shared/api/investigate.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { ExportedFile } from '../../../shared/api/sql.ts';

type Content = string | Buffer;

interface Case {
  name: string;
  /** Path under the case folder → bytes; a function makes what bytes cannot (symlinks, Parquet). */
  files: Record<string, Content>;
  make?: (root: string) => Promise<void>;
  /** Rows that load. */
  rows: number;
  /** Records quarantined, each reason matching `reason`. */
  quarantined?: number;
  reason?: RegExp;
  /** Paths passed over, each reason matching `ignoredReason`. */
  ignored?: number;
  ignoredReason?: RegExp;
  /** Extra checks on the loaded rows (SQL over this case's rows gives these values). */
  expect?: { sql: string; value: unknown[][] };
}

// A good play-log record; the corpus varies one field at a time.
let seq = 0;
const rec = (over: Record<string, unknown> = {}, pidx = 100 + (seq % 7)) => {
  const i = seq++;
  return {
    posnewx: 500 + (i % 300),
    posnewy: 300 + ((i * 7) % 400),
    posnewz: 0,
    posoldx: 499 + (i % 300),
    posoldy: 301 + ((i * 7) % 400),
    posoldz: 0,
    pidx,
    idx: 1000 + i,
    action: i % 3,
    createdate: `2018-10-12 05:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
    ...over,
  };
};
const json = (r: unknown) => JSON.stringify(r);
const good = (n: number) => Array.from({ length: n }, () => json(rec())).join('\n') + '\n';
const withBad = (bad: string[], n = 3) => [...Array.from({ length: n }, () => json(rec())), ...bad].join('\n') + '\n';
const badField = (over: Record<string, unknown>, n = 3) => withBad([json(rec(over))], n);
const playCsvHeader = 'posnewx,posnewy,posnewz,posoldx,posoldy,posoldz,pidx,idx,action,createdate';
const csvRow = (over: Record<string, unknown> = {}) => {
  const r = rec(over);
  return [r.posnewx, r.posnewy, r.posnewz, r.posoldx, r.posoldy, r.posoldz, r.pidx, r.idx, r.action, r.createdate].join(',');
};
const userHeader = 'pidx,uclass,ulevel,utimestamp';
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};
const P = 'playlog/2018/10/12/05';

async function parquet(path: string, select: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
}
const parquetRows = (n: number, from = 0) =>
  `SELECT (500 + i)::DOUBLE AS posnewx, 300::DOUBLE AS posnewy, 0::DOUBLE AS posnewz, (499 + i)::DOUBLE AS posoldx, 300::DOUBLE AS posoldy, 0::DOUBLE AS posoldz, 120 AS pidx, (5000 + i)::BIGINT AS idx, 0 AS action, TIMESTAMP '2018-10-12 05:00:00' + to_seconds(i) AS createdate FROM range(${from}, ${from + n}) t(i)`;

const CASES: Case[] = [
  { name: 'clean', files: { [`${P}/a.json`]: good(5) }, rows: 5 },
  { name: 'crlf-and-blank-lines', files: { [`${P}/a.json`]: good(3).replaceAll('\n', '\r\n\r\n') }, rows: 3 },
  {
    name: 'tz-plus-0900',
    files: { [`${P}/a.json`]: good(2) + json(rec({ createdate: '2018-10-10T14:00:03+09:00', idx: 77 })) + '\n' },
    rows: 3,
    expect: { sql: `SELECT strftime(createdate, '%Y-%m-%d %H:%M:%S') FROM playlog WHERE idx = 77`, value: [['2018-10-10 05:00:03']] },
  },
  {
    name: 'tz-minus-0500',
    files: { [`${P}/a.json`]: good(2) + json(rec({ createdate: '2018-10-10 00:00:04-0500', idx: 78 })) + '\n' },
    rows: 3,
    expect: { sql: `SELECT strftime(createdate, '%Y-%m-%d %H:%M:%S') FROM playlog WHERE idx = 78`, value: [['2018-10-10 05:00:04']] },
  },
  {
    name: 'tz-formats',
    // 15 layouts: naive, T, fractions, unpadded, nanoseconds, Z, UTC, ±HH, ±HHMM, ±HH:MM, a bare date; all the same instant or date.
    files: {
      [`${P}/a.json`]: [
        '2018-10-12 05:00:00',
        '2018-10-12T05:00:00',
        '2018-10-12 05:00:00.000',
        '2018-10-12T05:00:00.000000',
        '2018-10-12T05:00:00Z',
        '2018-10-12 05:00:00Z',
        '2018-10-12 05:00:00 UTC',
        '2018-10-12T14:00:00+09',
        '2018-10-12T14:00:00+0900',
        '2018-10-12T14:00:00+09:00',
        '2018-10-12T00:00:00-05:00',
        '2018-10-12T10:30:00.000+05:30',
        '2018-10-12 05:00',
        '2018-10-12 5:0:0',
        '2018-10-12T05:00:00.000000000',
      ]
        .map((t, k) => json(rec({ createdate: t, idx: 900 + k })))
        .join('\n'),
    },
    rows: 15,
    expect: {
      sql: `SELECT count(DISTINCT createdate), min(createdate)::VARCHAR FROM playlog WHERE idx BETWEEN 900 AND 914`,
      value: [[1, '2018-10-12 05:00:00']],
    },
  },
  {
    name: 'tz-named-zone',
    files: {
      [`${P}/a.json`]: withBad([json(rec({ createdate: '2018-10-12 05:00:00 EST' })), json(rec({ createdate: '2018-10-12 05:00:00 America/New_York' }))]),
    },
    rows: 3,
    quarantined: 2,
    reason: /createdate has an ambiguous time zone/,
  },
  {
    name: 'date-us-layout',
    files: { [`${P}/a.json`]: badField({ createdate: '10/11/2018 14:00' }) },
    rows: 3,
    quarantined: 1,
    reason: /createdate is not a valid TIMESTAMP: 10\/11\/2018/,
  },
  {
    name: 'date-epoch-number',
    files: { [`${P}/a.json`]: badField({ createdate: 1539320400 }) },
    rows: 3,
    quarantined: 1,
    reason: /createdate is not a valid TIMESTAMP/,
  },
  {
    name: 'date-infinity',
    files: { [`${P}/a.json`]: withBad([json(rec({ createdate: 'infinity' })), json(rec({ createdate: '-infinity' }))]) },
    rows: 3,
    quarantined: 2,
    reason: /createdate is outside 1970–9999: -?infinity/,
  },
  {
    name: 'date-year-99999',
    files: { [`${P}/a.json`]: badField({ createdate: '99999-01-01 00:00:00' }) },
    rows: 3,
    quarantined: 1,
    reason: /createdate .*99999/,
  },
  {
    name: 'date-before-1970',
    files: { [`${P}/a.json`]: badField({ createdate: '0001-01-01 00:00:00' }) },
    rows: 3,
    quarantined: 1,
    reason: /createdate is outside 1970–9999/,
  },
  { name: 'nan-string', files: { [`${P}/a.json`]: badField({ posnewx: 'NaN' }) }, rows: 3, quarantined: 1, reason: /posnewx is not a finite number: NaN/ },
  { name: 'infinity-string', files: { [`${P}/a.json`]: badField({ posnewy: 'Infinity' }) }, rows: 3, quarantined: 1, reason: /posnewy is not a finite number/ },
  {
    name: '1e400',
    files: { [`${P}/a.json`]: withBad([json(rec()).replace(/"posoldx":\d+/, '"posoldx":1e400')]) },
    rows: 3,
    quarantined: 1,
    reason: /posoldx is not a finite number/,
  },
  {
    name: 'idx-beyond-2-53',
    files: { [`${P}/a.json`]: withBad([json(rec()).replace(/"idx":\d+/, '"idx":9007199254740993')]) },
    rows: 3,
    quarantined: 1,
    reason: /idx is beyond ±2\^53/,
  },
  { name: 'fraction-in-integer', files: { [`${P}/a.json`]: badField({ pidx: 3.7 }) }, rows: 3, quarantined: 1, reason: /pidx is not a valid INTEGER: 3.7/ },
  {
    name: 'boolean-pidx',
    files: { [`${P}/a.json`]: [json(rec({ pidx: true, idx: 61 })), json(rec({ pidx: false, idx: 62 })), json(rec())].join('\n') + '\n' },
    rows: 3,
    expect: { sql: `SELECT pidx FROM playlog WHERE idx IN (61, 62) ORDER BY idx`, value: [[1], [0]] },
  },
  {
    name: 'boolean-pidx-beside-a-bad-line',
    files: { [`${P}/a.json`]: [json(rec({ pidx: true, idx: 63 })), '{"broken', json(rec())].join('\n') + '\n' },
    rows: 2,
    quarantined: 1,
    reason: /unterminated JSON record/,
    expect: { sql: `SELECT pidx FROM playlog WHERE idx = 63`, value: [[1]] },
  },
  { name: 'wrong-type', files: { [`${P}/a.json`]: badField({ posnewx: 'abc' }) }, rows: 3, quarantined: 1, reason: /posnewx is not a valid DOUBLE: abc/ },
  { name: 'missing-field', files: { [`${P}/a.json`]: withBad([json({ posnewx: 1, pidx: 2 })]) }, rows: 3, quarantined: 1, reason: /missing fields: posnewy/ },
  { name: 'null-field', files: { [`${P}/a.json`]: badField({ pidx: null }) }, rows: 3, quarantined: 1, reason: /null value in pidx/ },
  { name: 'extra-fields', files: { [`${P}/a.json`]: [json(rec({ server: 'eu-1' })), json(rec({ tags: [1, 2] }))].join('\n') + '\n' }, rows: 2 },
  { name: 'object-in-a-column', files: { [`${P}/a.json`]: badField({ pidx: { id: 4 } }) }, rows: 3, quarantined: 1, reason: /pidx is not a scalar value/ },
  { name: 'deep-nesting', files: { [`${P}/a.json`]: withBad([json(rec()).replace(/}$/, `,"deep":${'['.repeat(3000)}${']'.repeat(3000)}}`)], 2) }, rows: 3 },
  { name: 'malformed-json', files: { [`${P}/a.json`]: withBad(['{"posnewx": 1,,}']) }, rows: 3, quarantined: 1, reason: /malformed JSON/ },
  { name: 'back-to-back-records', files: { [`${P}/a.json`]: [json(rec()), json(rec()), json(rec())].join('') + '\n' }, rows: 3 },
  { name: 'json-array', files: { [`${P}/a.json`]: `[\n${[json(rec()), json(rec())].join(',\n')}\n]\n` }, rows: 2 },
  { name: 'utf8-bom', files: { [`${P}/a.json`]: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good(10))]) }, rows: 10 },
  {
    name: 'utf8-bom-in-a-batch',
    files: { [`${P}/a.json`]: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good(10))]), [`${P}/b.json`]: good(4) },
    rows: 14,
  },
  { name: 'utf16le', files: { [`${P}/a.json`]: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good(4), 'utf16le')]) }, rows: 4 },
  { name: 'utf16be', files: { [`${P}/a.json`]: utf16be(good(4)) }, rows: 4 },
  { name: 'binary', files: { [`${P}/a.json`]: withBad(['\u0000\u0001\u0002binary']) }, rows: 3, quarantined: 1, reason: /binary data, not JSON/ },
  { name: 'zero-byte', files: { [`${P}/a.json`]: '', [`${P}/b.json`]: good(2) }, rows: 2 },
  { name: 'long-line-no-newline', files: { [`${P}/a.json`]: Buffer.alloc(4 << 20), [`${P}/b.json`]: good(2) }, rows: 2, quarantined: 1, reason: /binary data/ },
  { name: 'ten-mb-line', files: { [`${P}/a.json`]: withBad([json(rec({ blob: 'x'.repeat(10 << 20) }))], 2) }, rows: 3 },
  {
    name: 'truncated-gzip',
    files: { [`${P}/a.json.gz`]: gzipSync(Buffer.from(good(400))).subarray(0, 1500) },
    rows: -1, // whatever came before the cut: checked as loaded + 1 cut = records
    quarantined: 1,
    reason: /truncated gzip stream|cut off/,
  },
  {
    name: 'garbage-gzip',
    files: { [`${P}/a.json.gz`]: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(200, 0x41)]), [`${P}/b.json`]: good(2) },
    rows: 2,
    quarantined: 1,
    reason: /gzip/,
  },
  { name: 'gzip-misleading-extension', files: { [`${P}/a.json`]: gzipSync(Buffer.from(good(3))) }, rows: 3 },
  {
    name: 'glob-characters',
    // The folder: playlog1.json, playlog[1].json, part-1.json, part-?.json, tz.json.
    files: {
      [`${P}/playlog1.json`]: good(2),
      [`${P}/playlog[1].json`]: good(3),
      [`${P}/part-1.json`]: good(4),
      [`${P}/part-?.json`]: good(5),
      [`${P}/tz.json`]: good(6),
      [`${P}/star*{a,b}.json`]: good(7),
    },
    rows: 27,
    expect: {
      sql: `SELECT regexp_extract(source, '[^/]+$'), count(*)::INTEGER FROM playlog GROUP BY ALL ORDER BY 1`,
      value: [
        ['part-1.json', 4],
        ['part-?.json', 5],
        ['playlog1.json', 2],
        ['playlog[1].json', 3],
        ['star*{a,b}.json', 7],
        ['tz.json', 6],
      ],
    },
  },
  {
    name: 'glob-parquet',
    files: {},
    make: async (root) => {
      await parquet(join(root, P, 'part-1.parquet'), parquetRows(3));
      await parquet(join(root, P, 'part-[1].parquet'), parquetRows(4, 100));
    },
    rows: 7,
  },
  { name: 'parquet', files: {}, make: (root) => parquet(join(root, P, 'a.parquet'), parquetRows(5)), rows: 5 },
  {
    name: 'parquet-truncated',
    files: {},
    make: async (root) => {
      const path = join(root, P, 'a.parquet');
      await parquet(path, parquetRows(50));
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
    rows: 0,
    quarantined: 1,
    reason: /unreadable parquet file/,
  },
  {
    name: 'parquet-missing-column',
    files: {},
    make: (root) => parquet(join(root, P, 'a.parquet'), `SELECT 1.0 AS posnewx, 2 AS pidx`),
    rows: 0,
    quarantined: 1,
    reason: /unreadable parquet file: .*not found|does not have a column/i,
  },
  { name: 'parquet-misleading-extension', files: {}, make: (root) => parquet(join(root, P, 'a.json'), parquetRows(2)), rows: 2 },
  { name: 'csv-clean', files: { [`${P}/a.csv`]: [playCsvHeader, csvRow(), csvRow(), ''].join('\n') }, rows: 2 },
  { name: 'csv-bom', files: { [`${P}/a.csv`]: '\ufeff' + [playCsvHeader, csvRow(), csvRow(), ''].join('\n') }, rows: 2 },
  {
    name: 'csv-two-stray-quotes',
    // The case: quotes on lines 2 and 5 must not make lines 2–5 one garbage row.
    files: {
      'userlog/2018/10/12/05/a.csv': [
        userHeader,
        '1,"Warrior,3,2018-10-12 05:00:00',
        '2,Mage,4,2018-10-12 05:00:01',
        '3,Rogue,5,2018-10-12 05:00:02',
        '4,Ran"ger,6,2018-10-12 05:00:03',
        '5,Cleric,7,2018-10-12 05:00:04',
        '',
      ].join('\n'),
    },
    rows: 4,
    quarantined: 1,
    reason: /unterminated quoted field/,
    expect: {
      sql: `SELECT pidx, uclass FROM userlog ORDER BY pidx`,
      value: [
        [2, 'Mage'],
        [3, 'Rogue'],
        [4, 'Ran"ger'],
        [5, 'Cleric'],
      ],
    },
  },
  {
    name: 'csv-stray-quotes-same-column',
    files: {
      'userlog/2018/10/12/05/a.csv': [
        userHeader,
        '1,"Warrior,3,2018-10-12 05:00:00',
        '2,Mage,4,2018-10-12 05:00:01',
        '3,Rogue,5,2018-10-12 05:00:02',
        '4,Ranger",6,2018-10-12 05:00:03',
        '',
      ].join('\n'),
    },
    rows: 3,
    quarantined: 1,
    reason: /unterminated quoted field/,
  },
  {
    name: 'csv-quoted-line-break',
    files: {
      'userlog/2018/10/12/05/a.csv': [userHeader, '1,"Ranger\n  the ""quiet"" one, level 2",3,2018-10-12 05:00:00', '2,Mage,4,2018-10-12 05:00:01', ''].join(
        '\n',
      ),
    },
    rows: 2,
    expect: { sql: `SELECT uclass FROM userlog WHERE pidx = 1`, value: [['Ranger\n  the "quiet" one, level 2']] },
  },
  {
    name: 'csv-wrong-delimiter',
    files: { [`${P}/a.csv`]: [playCsvHeader.replaceAll(',', ';'), csvRow().replaceAll(',', ';'), ''].join('\n') },
    rows: 0,
    quarantined: 1,
    reason: /the CSV header lacks columns/,
  },
  {
    name: 'csv-wrong-field-count',
    files: { [`${P}/a.csv`]: [playCsvHeader, csvRow(), '1,2,3', csvRow(), ''].join('\n') },
    rows: 2,
    quarantined: 1,
    reason: /expected 10 fields, found 3/,
  },
  {
    name: 'csv-poison-values',
    files: {
      [`${P}/a.csv`]: [
        playCsvHeader,
        csvRow(),
        csvRow({ posnewx: 'NaN' }),
        csvRow({ createdate: 'infinity' }),
        csvRow({ createdate: '2018-10-12T14:00:00+09:00', idx: 79 }),
        '',
      ].join('\n'),
    },
    rows: 2,
    quarantined: 2,
    reason: /is not a finite number|is outside 1970–9999/,
    expect: { sql: `SELECT createdate::VARCHAR FROM playlog WHERE idx = 79`, value: [['2018-10-12 05:00:00']] },
  },
  {
    name: 'userlog-json',
    files: {
      'userlog/2018/10/12/05/a.json': [
        json({ pidx: 1, uclass: 'Mage', ulevel: 3, utimestamp: '2018-10-12T05:00:00Z' }),
        json({ pidx: 2, uclass: 'Rogue', ulevel: 'x', utimestamp: '2018-10-12 05:00:00' }),
      ].join('\n'),
    },
    rows: 1,
    quarantined: 1,
    reason: /ulevel is not a valid INTEGER/,
  },
  {
    name: 'hidden-and-markers',
    files: { [`${P}/.hidden.json`]: good(2), [`${P}/_SUCCESS`]: '', [`${P}/x.json.tmp`]: good(2), [`${P}/a.json`]: good(1) },
    rows: 1,
    ignored: 3,
    ignoredReason: /hidden|marker|partial download/,
  },
  { name: 'not-a-log', files: { 'notes/README.txt': 'hello\n', [`${P}/a.json`]: good(1) }, rows: 1, ignored: 1, ignoredReason: /not a play log or user log/ },
  {
    name: 'workspace-and-wal',
    files: { [`${P}/a.json`]: good(2) },
    make: async (root) => {
      const ws = await openWorkspace(join(root, 'playlog', 'inner.duckdb'), [lakeSchema]);
      await importPath(ws, join(root, P));
      ws.close();
      // A WAL as DuckDB leaves it after a crash: its name says what it is, whatever its bytes.
      await writeFile(join(root, 'playlog', 'inner.duckdb.wal'), good(3));
      await writeFile(join(root, 'playlog', 'renamed-workspace'), await readFile(join(root, 'playlog', 'inner.duckdb')));
    },
    rows: 2,
    ignored: 3,
    ignoredReason: /DuckDB/,
  },
  {
    name: 'symlinks',
    files: { [`${P}/a.json`]: good(2), 'elsewhere/target.json': good(3) },
    make: async (root) => {
      await symlink(join(root, 'elsewhere', 'target.json'), join(root, P, 'linked-playlog.json'));
      await symlink(join(root, 'playlog'), join(root, P, 'loop'));
      await symlink(join(root, 'nowhere'), join(root, P, 'broken-playlog.json'));
    },
    // a.json, the linked file and its target (a play log by content): followed once each; the loop and the broken link reported.
    rows: 8,
    ignored: 2,
    ignoredReason: /symlink/,
  },
  {
    name: 'duplicates-across-files',
    files: {
      [`${P}/a.json`]: json(rec({ idx: 4242 })) + '\n' + good(1),
      [`${P}/b.json`]: json({ ...rec({ idx: 4242 }), createdate: '2018-10-12 05:00:00' }) + '\n',
    },
    rows: 3,
  },
];

let dir: string;
const summaries = new Map<string, { fast: ImportSummary; careful: ImportSummary }>();
let fast: App;
let careful: App;

const value = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
async function query(app: App, sql: string): Promise<unknown[][]> {
  return (await app.services.ws.db.runAndReadAll(sql)).getRows().map((r) => r.map(value));
}
async function call<T>(app: App, method: string, req: unknown): Promise<T> {
  const env = await app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(`${method}: ${env.error.message}`), { code: env.error.code });
  return env.value as T;
}
/** A case's rows, as the features see them, scoped to its folder. */
const caseRows = (c: Case, sql: string) =>
  sql.replace(/FROM (playlog|userlog)/, (_, t) => `FROM (SELECT * FROM ${t} WHERE starts_with(source, ${quoteLiteral(join(dir, 'corpus', c.name) + '/')}))`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-corpus-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  for (const c of CASES) {
    const root = join(dir, 'corpus', c.name);
    for (const [rel, content] of Object.entries(c.files)) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), content);
    }
    await c.make?.(root);
  }
  fast = await createApp(join(dir, 'fast.duckdb'), () => {});
  careful = await createApp(join(dir, 'careful.duckdb'), () => {});
  for (const c of CASES) {
    const root = join(dir, 'corpus', c.name);
    summaries.set(c.name, { fast: await importPath(fast.services.ws, root), careful: await importPath(careful.services.ws, root, { careful: true }) });
  }
}, 240_000);

afterAll(async () => {
  await fast?.close();
  await careful?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the bad-input corpus, on the fast and the careful path', () => {
  it('has at least 40 kinds of input', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const s = summaries.get(c.name)!;
      const root = join(dir, 'corpus', c.name);
      for (const [path, app, summary] of [
        ['fast', fast, s.fast],
        ['careful', careful, s.careful],
      ] as const) {
        const where = `starts_with(key, ${quoteLiteral(root + '/')})`;
        const label = `${c.name} (${path})`;
        if (c.rows >= 0) expect(summary.rows, label).toBe(c.rows);
        expect(summary.quarantined.length, `${label}: ${JSON.stringify(summary.quarantined)}`).toBe(c.quarantined ?? 0);
        for (const q of summary.quarantined) expect(q.reason, label).toMatch(c.reason!);
        const ignored = summary.ignored.filter((i) => i.path.startsWith(root));
        expect(ignored.length, `${label}: ${JSON.stringify(ignored)}`).toBe(c.ignored ?? 0);
        for (const i of ignored) expect(i.reason, label).toMatch(c.ignoredReason!);
        // Every record is accounted for, per file, and the rows are in the tables.
        const [[files, records, rows, quarantined, stored]] = await query(
          app,
          `SELECT count(*)::INTEGER, sum(records)::INTEGER, sum(rows)::INTEGER, sum(quarantined)::INTEGER,
             ((SELECT count(*) FROM lake_playlog_data d JOIN lake_file f USING (file_id) WHERE ${where}) + (SELECT count(*) FROM lake_userlog_data d JOIN lake_file f USING (file_id) WHERE ${where}))::INTEGER
           FROM lake_file WHERE ${where}`,
        );
        expect(Number(rows) + Number(quarantined), label).toBe(Number(records));
        expect(stored, label).toBe(summary.rows);
        expect(Number(files), label).toBe(summary.files);
        if (c.expect) expect(await query(app, caseRows(c, c.expect.sql)), label).toEqual(c.expect.value);
        // Re-import changes nothing.
        const again = await importPath(app.services.ws, root, path === 'careful' ? { careful: true } : {});
        expect(again, label).toMatchObject({ files: 0, rows: 0, quarantined: [] });
        expect(again.skipped, label).toBe(summary.files);
      }
      // Both paths accept and refuse exactly the same records.
      const all = (t: string) => `SELECT * EXCLUDE (row_id) FROM ${t} WHERE starts_with(source, ${quoteLiteral(root + '/')}) ORDER BY ALL`;
      for (const t of ['playlog', 'userlog']) expect(await query(careful, all(t)), `${c.name}: ${t} rows`).toEqual(await query(fast, all(t)));
      const q = `SELECT source, line, reason FROM lake_quarantine WHERE starts_with(source, ${quoteLiteral(root + '/')}) ORDER BY ALL`;
      expect(await query(careful, q), `${c.name}: quarantine`).toEqual(await query(fast, q));
    });
  }
});

describe('the features over all of the corpus at once', () => {
  for (const path of ['fast', 'careful'] as const) {
    it(`score, flag, look up a player, build the map cache and export bans (${path} path)`, async () => {
      const app = path === 'fast' ? fast : careful;
      const job = await call<JobInfo>(app, 'scoring.start', { features: 'points', trees: 20, samples: 64 });
      const end = await app.services.jobs.wait(job.id);
      expect(end.state, end.error?.message).toBe('done');
      // The corpus has no cheaters, so the flagged list may be empty; a player with a verdict is always on it.
      const before = await call<FlaggedPage>(app, 'investigate.flagged', { offset: 0, limit: 100 });
      const pidx = Number((await query(app, `SELECT pidx FROM playlog ORDER BY pidx LIMIT 1`))[0][0]);
      await call(app, 'investigate.setVerdict', { pidx, verdict: 'ban', note: 'corpus' });
      const page = await call<FlaggedPage>(app, 'investigate.flagged', { offset: 0, limit: 100 });
      expect(page.batch.rowCount).toBeGreaterThanOrEqual(Math.max(1, before.batch.rowCount));
      const detail = await call<PlayerDetail>(app, 'investigate.player', { pidx });
      expect(detail.verdict?.verdict).toBe('ban');
      const build = await call<JobInfo | null>(app, 'map.buildCache', {});
      if (build) expect((await app.services.jobs.wait(build.id)).state).toBe('done');
      const grid = await call<{ total: number }>(app, 'map.density', { x0: 0, x1: 1500, y0: 0, y1: 1000, nx: 50, ny: 50 });
      expect(grid.total).toBe(Number((await query(app, `SELECT count(*) FROM playlog WHERE posnewx BETWEEN 0 AND 1500 AND posnewy BETWEEN 0 AND 1000`))[0][0]));
      const file = await call<ExportedFile>(app, 'investigate.exportBans', {});
      expect(await readFile(file.path, 'utf8')).toContain(`${pidx},`);
      const movement = await query(app, `SELECT count(*) FROM movement WHERE dt_seconds IS NOT NULL`);
      expect(Number(movement[0][0])).toBeGreaterThan(0);
    }, 120_000);
  }
});

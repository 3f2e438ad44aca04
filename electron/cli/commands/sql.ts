import type { ColumnBatch } from '../../../shared/api/columns.ts';
import { cellValue } from '../../../shared/api/columns.ts';
import { csvRow } from '../../../shared/csv.ts';
import { parseCommandArgs, intOption } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';

const PAGE = 10_000;

export const sqlCommand: Command = {
  help: `Usage: npm run cli -- sql [--workspace FILE] [--csv [--raw] | --json] [--max-rows N] "QUERY"

Runs one or more statements (separated by ;) in the workspace; prints the last one's result.
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --csv             RFC 4180 CSV with a header row, every row; text cells starting with = + - @
                    (a spreadsheet formula) get a leading ' so opening the file runs nothing
  --raw             with --csv: write such cells as they are
  --json            {"columns":[{name,type}],"rows":[[...]],"rowCount":N,"elapsedMs":N}, every row
  --max-rows N      rows shown in table mode (default 100)

Example: npm run cli -- sql --workspace lab.duckdb "SELECT uclass, count(*) FROM gamelog GROUP BY 1"`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      csv: { type: 'boolean' },
      raw: { type: 'boolean' },
      json: { type: 'boolean' },
      'max-rows': { type: 'string' },
    });
    const sql = positionals.join(' ').trim();
    if (!sql) throw new CliError('give the SQL to run, e.g. sql "SELECT 42"');
    if (values.csv && values.json) throw new CliError('choose one of --csv and --json');
    if (values.raw && !values.csv) throw new CliError('--raw goes with --csv');
    const csv = { neutralizeFormulas: !values.raw };
    const maxRows = intOption(values['max-rows'], 'max-rows', 100, 0);
    const app = await openAppFromFlag(values.workspace);
    const client = cliClient(app);
    try {
      const result = await client.call('sql.run', { sql, queryId: 'cli' });
      const pages = async function* (limit: number) {
        for (let offset = 0; result.resultId && offset < Math.min(result.rowCount, limit); offset += PAGE) {
          yield await client.call('sql.page', { resultId: result.resultId, offset, limit: Math.min(PAGE, limit - offset) });
        }
      };
      if (values.csv) {
        io.out(
          csvRow(
            result.columns.map((c) => c.name),
            csv,
          ),
        );
        for await (const b of pages(Infinity))
          if (b.rowCount)
            io.out(
              rowsOf(b)
                .map((r) => csvRow(r, csv))
                .join(''),
            );
      } else if (values.json) {
        const rows: unknown[][] = [];
        for await (const b of pages(Infinity)) rows.push(...rowsOf(b));
        io.out(
          JSON.stringify({
            columns: result.columns,
            rows,
            rowCount: result.rowCount,
            elapsedMs: result.elapsedMs,
            ...(result.rowsChanged !== undefined ? { rowsChanged: result.rowsChanged } : {}),
          }),
        );
      } else {
        const rows: unknown[][] = [];
        for await (const b of pages(maxRows)) rows.push(...rowsOf(b));
        io.out(
          formatTable(
            result.columns.map((c) => c.name),
            rows,
          ),
        );
        const more = result.rowCount - rows.length;
        io.out(
          `${result.rowCount.toLocaleString('en-US')} row${result.rowCount === 1 ? '' : 's'}${more > 0 ? ` (${more.toLocaleString('en-US')} not shown)` : ''}${result.rowsChanged !== undefined ? `, ${result.rowsChanged} changed` : ''} · ${result.elapsedMs} ms`,
        );
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};

function rowsOf(batch: ColumnBatch): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < batch.rowCount; r++) rows.push(batch.columns.map((c) => cellValue(c, r)));
  return rows;
}

function formatTable(header: string[], rows: unknown[][]): string {
  if (header.length === 0) return 'OK';
  const text = rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))));
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...text.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...text.map(line)].join('\n');
}

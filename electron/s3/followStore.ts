import type { DuckDBConnection } from '@duckdb/node-api';

/** Follow mode's watermark per source: hours before it are complete. */
export class FollowStore {
  constructor(private db: DuckDBConnection) {}

  async watermark(source: string): Promise<string | null> {
    const r = (await this.db.runAndReadAll('SELECT watermark_hour FROM s3_follow WHERE source = $1', [source])).getRows()[0];
    return r ? String(r[0]) : null;
  }

  async all(): Promise<{ source: string; watermark: string; everyMs: number }[]> {
    const rows = (await this.db.runAndReadAll('SELECT source, watermark_hour, every_ms FROM s3_follow ORDER BY source')).getRows();
    return rows.map((r) => ({ source: String(r[0]), watermark: String(r[1]), everyMs: Number(r[2]) }));
  }

  async save(source: string, watermark: string, everyMs: number): Promise<void> {
    await this.db.run('INSERT OR REPLACE INTO s3_follow VALUES ($1, $2, $3, now()::TIMESTAMP)', [source, watermark, everyMs]);
  }
}

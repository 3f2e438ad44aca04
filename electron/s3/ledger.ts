import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { ListedObject } from './listing.ts';

export interface LedgerEntry {
  downloadedEtag?: string;
  imported?: ImportedVersion;
}

/** Which ETag's rows are in the workspace, kept for which event-time window. */
export interface ImportedVersion {
  etag: string;
  from: number;
  to: number;
}

/** Which version of each object sits in the cache and which version's rows are in the workspace. */
export class ObjectLedger {
  constructor(private db: DuckDBConnection) {}

  async entries(bucket: string): Promise<Map<string, LedgerEntry>> {
    const rows = (
      await this.db.runAndReadAll(
        `SELECT key, downloaded_etag, imported_etag, epoch_ms(imported_from) AS f, epoch_ms(imported_to) AS t FROM s3_object WHERE bucket = $1`,
        [bucket],
      )
    ).getRowObjectsJS();
    return new Map(
      rows.map((r) => [
        String(r.key),
        {
          ...(r.downloaded_etag ? { downloadedEtag: String(r.downloaded_etag) } : {}),
          ...(r.imported_etag ? { imported: { etag: String(r.imported_etag), from: Number(r.f), to: Number(r.t) } } : {}),
        },
      ]),
    );
  }

  /** Records that these versions sit verified in the cache (one statement for many objects). */
  async markDownloaded(bucket: string, objects: ListedObject[]): Promise<void> {
    if (objects.length === 0) return;
    await this.db.run(
      `INSERT INTO s3_object (bucket, key, size, last_modified, downloaded_etag, updated_at)
       SELECT $1, unnest($2::VARCHAR[]), unnest($3::BIGINT[]), make_timestamp(unnest($4::BIGINT[]) * 1000), unnest($5::VARCHAR[]), now()::TIMESTAMP
       ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, last_modified = excluded.last_modified, downloaded_etag = excluded.downloaded_etag, updated_at = excluded.updated_at`,
      [
        bucket,
        listValue(objects.map((o) => o.key)),
        listValue(objects.map((o) => BigInt(o.size))),
        listValue(objects.map((o) => BigInt(o.lastModified.getTime()))),
        listValue(objects.map((o) => o.etag)),
      ],
    );
  }

  /** Records that these objects' rows, kept for [from, to), are in the workspace. */
  async markImported(bucket: string, objects: ListedObject[], window: { from: number; to: number }): Promise<void> {
    if (objects.length === 0) return;
    // One statement, so it is atomic without a transaction on a connection others share.
    await this.db.run(
      `UPDATE s3_object SET imported_etag = v.etag, imported_from = make_timestamp($4::BIGINT * 1000), imported_to = make_timestamp($5::BIGINT * 1000), updated_at = now()::TIMESTAMP
       FROM (SELECT unnest($2::VARCHAR[]) AS key, unnest($3::VARCHAR[]) AS etag) v
       WHERE s3_object.bucket = $1 AND s3_object.key = v.key`,
      [bucket, listValue(objects.map((o) => o.key)), listValue(objects.map((o) => o.etag)), window.from, window.to],
    );
  }
}

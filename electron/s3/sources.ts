import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import type { S3Source } from '../../shared/api/s3.ts';
import { normalizePrefix, parseHourRange } from './hours.ts';

const BUCKET_RE = /^[a-z0-9][a-z0-9.\-_]{1,254}$/;
const REGION_RE = /^[a-z]{2}(-[a-z0-9]+)+$/;

function optional(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError('BAD_REQUEST', `"${name}" must be a string`);
  return value.trim() || undefined;
}

/** Checks and normalizes a source; every problem is a BAD_REQUEST naming the field. */
export function validateSource(input: unknown): S3Source {
  if (!input || typeof input !== 'object') throw new ApiError('BAD_REQUEST', 'the source must be an object');
  const s = input as Record<string, unknown>;
  const name = typeof s.name === 'string' ? s.name.trim() : '';
  if (!name || name.length > 100 || /[\p{Cc}]/u.test(name)) throw new ApiError('BAD_REQUEST', '"name" must be 1–100 printable characters');
  const bucket = typeof s.bucket === 'string' ? s.bucket.trim() : '';
  if (!BUCKET_RE.test(bucket)) throw new ApiError('BAD_REQUEST', `"bucket" must be an S3 bucket name (lowercase letters, digits, . and -), got "${bucket}"`);
  if (!Array.isArray(s.prefixes) || s.prefixes.length === 0 || s.prefixes.some((p) => typeof p !== 'string')) {
    throw new ApiError('BAD_REQUEST', '"prefixes" must be a list of one or more prefixes, e.g. ["playlog/", "userlog/"]');
  }
  const prefixes = [...new Set((s.prefixes as string[]).map(normalizePrefix))];
  const region = optional(s.region, 'region');
  if (region && !REGION_RE.test(region)) throw new ApiError('BAD_REQUEST', `"region" must look like eu-west-1, got "${region}"`);
  const profile = optional(s.profile, 'profile');
  const endpoint = optional(s.endpoint, 'endpoint');
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ApiError('BAD_REQUEST', `"endpoint" must be a URL such as http://127.0.0.1:9000, got "${endpoint}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError('BAD_REQUEST', '"endpoint" must be an http:// or https:// URL');
    // The workspace never holds a secret, so keys in the URL are refused rather than saved.
    if (url.username || url.password)
      throw new ApiError('BAD_REQUEST', '"endpoint" must not contain credentials; put them in an AWS profile or the environment');
  }
  const from = typeof s.from === 'string' ? s.from.trim() : '';
  const to = typeof s.to === 'string' ? s.to.trim() : '';
  parseHourRange(from, to);
  return { name, bucket, prefixes, ...(region ? { region } : {}), ...(profile ? { profile } : {}), ...(endpoint ? { endpoint } : {}), from, to };
}

function fromRow(r: Record<string, unknown>): S3Source {
  return {
    name: String(r.name),
    bucket: String(r.bucket),
    prefixes: (r.prefixes as string[]).map(String),
    ...(r.region ? { region: String(r.region) } : {}),
    ...(r.profile ? { profile: String(r.profile) } : {}),
    ...(r.endpoint ? { endpoint: String(r.endpoint) } : {}),
    from: String(r.from_hour),
    to: String(r.to_hour),
  };
}

const SELECT = 'SELECT name, bucket, prefixes, region, profile, endpoint, from_hour, to_hour FROM s3_source';

/** The saved sources of one workspace. */
export class SourceStore {
  constructor(private db: DuckDBConnection) {}

  async list(): Promise<S3Source[]> {
    return (await this.db.runAndReadAll(`${SELECT} ORDER BY name`)).getRowObjectsJS().map(fromRow);
  }

  async get(name: string): Promise<S3Source> {
    const rows = (await this.db.runAndReadAll(`${SELECT} WHERE name = $1`, [name])).getRowObjectsJS();
    if (rows.length === 0) throw new ApiError('NOT_FOUND', `no S3 source named "${name}"`);
    return fromRow(rows[0]);
  }

  async save(input: unknown): Promise<S3Source> {
    const s = validateSource(input);
    await this.db.run(`INSERT OR REPLACE INTO s3_source VALUES ($1, $2, $3::VARCHAR[], $4, $5, $6, $7, $8, now()::TIMESTAMP)`, [
      s.name,
      s.bucket,
      listValue(s.prefixes),
      s.region ?? null,
      s.profile ?? null,
      s.endpoint ?? null,
      s.from,
      s.to,
    ]);
    return s;
  }

  async delete(name: string): Promise<boolean> {
    const before = (await this.db.runAndReadAll('SELECT count(*) FROM s3_source WHERE name = $1', [name])).getRows()[0][0];
    await this.db.run('DELETE FROM s3_source WHERE name = $1', [name]);
    return Number(before) > 0;
  }
}

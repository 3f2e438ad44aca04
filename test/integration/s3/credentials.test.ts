import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { S3Plan, S3Source } from '../../../shared/api/s3.ts';
import { createApp, type App } from '../../../electron/api/app.ts';
import { resolveRegion } from '../../../electron/s3/client.ts';
import { putObject, startS3rver, type S3Server } from './s3server.ts';

const BUCKET = 'cred-logs';
const INTRUDER_KEY = 'AKIAINTRUDER00000000';
const INTRUDER_SECRET = 'intruderSecretDoNotLeak/0123456789abcdefg';
let dir: string;
let server: S3Server;
let app: App;
const logLines: string[] = [];
const events: unknown[] = [];
const saved = { ...process.env };

const source = (over: Partial<S3Source> = {}): S3Source => ({
  name: 'lab',
  bucket: BUCKET,
  prefixes: ['playlog/'],
  endpoint: server.endpoint,
  from: '2018-10-09T00',
  to: '2018-10-09T00',
  ...over,
});
const call = (method: string, req: unknown) => app.router.call(method, req);
/** s3.plan is a job: its result, or its error as the envelope would carry it. */
async function planned(req: unknown) {
  const started = await call('s3.plan', req);
  if (!started.ok) return started;
  const ended = await app.services.jobs.wait((started.value as JobInfo).id);
  return ended.state === 'done' ? { ok: true as const, value: ended.result } : { ok: false as const, error: ended.error! };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-s3-cred-'));
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  await putObject(server, BUCKET, 'playlog/2018/10/09/00/a.json', '{}\n');
  // Only the temporary files may supply credentials: no env keys, no ~/.aws, no instance metadata.
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete process.env[k];
  await writeFile(
    join(dir, 'credentials'),
    `[lab]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[intruder]\naws_access_key_id = ${INTRUDER_KEY}\naws_secret_access_key = ${INTRUDER_SECRET}\n`,
  );
  await writeFile(
    join(dir, 'config'),
    `[profile lab]\nregion = eu-central-1\n\n[profile intruder]\nregion = eu-central-1\n\n` +
      // An SSO profile with no cached token (never logged in, or the cache was cleared): no network is needed to find that out.
      `[profile analyst]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Analyst\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.example/start\nsso_region = eu-west-1\n`,
  );
  Object.assign(process.env, {
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: dir,
  });
  app = await createApp(join(dir, 'ws.duckdb'), (l) => logLines.push(l));
  app.services.events.subscribe((event, payload) => events.push({ event, payload }));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

describe('credentials and failures', () => {
  it('uses a named profile from AWS_SHARED_CREDENTIALS_FILE, and the region from the profile', async () => {
    const r = await planned({ source: source({ profile: 'lab' }) });
    expect(r.ok).toBe(true);
    expect((r as { value: S3Plan }).value.totals.new.objects).toBe(1);
    expect(await resolveRegion({ bucket: BUCKET, profile: 'lab' })).toBe('eu-central-1');
    process.env.AWS_REGION = 'ap-south-1';
    expect(await resolveRegion({ bucket: BUCKET, profile: 'lab' })).toBe('ap-south-1');
    expect(await resolveRegion({ bucket: BUCKET, profile: 'lab', region: 'us-west-2' })).toBe('us-west-2');
    delete process.env.AWS_REGION;
  });

  it('saves the source without any secret', async () => {
    const r = await call('s3.saveSource', source({ profile: 'intruder' }));
    expect(r.ok).toBe(true);
    const stored = JSON.stringify((await app.services.ws.db.runAndReadAll('SELECT * FROM s3_source')).getRowObjectsJS());
    expect(stored).toContain('intruder');
    expect(stored).not.toContain(INTRUDER_SECRET);
    expect(stored).not.toContain(INTRUDER_KEY);
    expect(((await call('s3.sources', {})) as { value: S3Source[] }).value.map((s) => s.profile)).toEqual(['intruder']);
  });

  it('wrong keys give the access-denied message, with no secret in any error, event or log line', async () => {
    const plan = await planned({ name: 'lab' });
    expect(plan).toMatchObject({ ok: false, error: { code: 'S3_ERROR' } });
    expect(JSON.stringify(plan)).toMatch(/Access denied to s3:\/\/cred-logs\/ for profile \\"intruder\\"/);
    const started = await call('s3.sync', { name: 'lab' });
    const job = (started as { value: JobInfo }).value;
    const ended = await app.services.jobs.wait(job.id);
    expect(ended.state).toBe('failed');
    expect(ended.error?.message).toMatch(/Access denied/);
    const everything = JSON.stringify({ plan, ended, events, logLines });
    expect(everything).not.toContain(INTRUDER_SECRET);
    expect(everything).not.toContain(INTRUDER_KEY);
  });

  it('no credentials anywhere: one clear NO_CREDENTIALS message', async () => {
    const r = await planned({ source: source({ name: 'none' }) });
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_CREDENTIALS' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/^No AWS credentials: none were found/);
    const missing = await planned({ source: source({ profile: 'nobody' }) });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NO_CREDENTIALS', message: expect.stringMatching(/profile "nobody"/) } });
  });

  it('an SSO profile without a live session says to run aws sso login', async () => {
    const r = await planned({ source: source({ profile: 'analyst' }) });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'NO_CREDENTIALS',
        message: expect.stringMatching(/^There is no AWS SSO session for profile "analyst" .*run `aws sso login --profile analyst`/),
      },
    });
  });

  it('network down: the sync fails with one message and the app keeps working', async () => {
    const r = await planned({ source: source({ profile: 'lab', endpoint: 'http://127.0.0.1:9' }) });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'S3_ERROR', message: expect.stringMatching(/^Cannot reach S3 at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/) },
    });
    expect((await call('sql.run', { sql: 'SELECT 42', queryId: 'q' })).ok).toBe(true);
  }, 30_000);

  it('a missing bucket and bad requests are named', async () => {
    expect(await planned({ source: source({ profile: 'lab', bucket: 'no-such-bucket' }) })).toMatchObject({
      ok: false,
      error: { code: 'S3_ERROR', message: expect.stringMatching(/bucket "no-such-bucket" does not exist/) },
    });
    expect(await planned({ name: 'ghost' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('s3.sync', { source: { ...source(), from: 'yesterday' } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/"from"/) },
    });
  });
});

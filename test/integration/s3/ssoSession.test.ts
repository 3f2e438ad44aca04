import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { S3Source } from '../../../shared/api/s3.ts';
import { createApp, type App } from '../../../electron/api/app.ts';

// The real SDK credential providers against a temporary ~/.aws: SSO profiles whose cached token has expired,
// one the portal refuses, and a profile name nobody declared. Nothing here may reach AWS: S3 is a closed
// port, and SSO / SSO-OIDC go to a local server that records what the SDK tried.

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../scripts/cli.mjs');
const START_URL = 'https://corp.awsapps.example/start';
const LEGACY_URL = 'https://legacy.awsapps.example/start';
const REVOKED_URL = 'https://revoked.awsapps.example/start';
const ACCESS_TOKEN = 'aoaAAAAAGcachedAccessTokenThatMustNeverBeShown';

let dir: string;
let home: string;
let app: App;
let sso: Server;
const ssoRequests: string[] = [];
const saved = { ...process.env };

/** The SDK names a cached token file by the sha1 of the sso-session name (or, for old-style profiles, the start URL). */
const tokenFile = (id: string) => join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(id).digest('hex')}.json`);
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

const source = (over: Partial<S3Source> = {}): S3Source => ({
  name: 'sso',
  bucket: 'game-logs',
  prefixes: ['playlog/'],
  endpoint: 'http://127.0.0.1:9',
  from: '2018-10-09T00',
  to: '2018-10-09T00',
  ...over,
});

async function failure(method: 's3.plan' | 's3.sync', src: S3Source) {
  const started = await app.router.call(method, { source: src });
  if (!started.ok) return started.error;
  const ended = await app.services.jobs.wait((started.value as JobInfo).id);
  expect(ended.state).toBe('failed');
  return ended.error!;
}

const expiredMessage = (profile: string) =>
  `The AWS SSO session for profile "${profile}" has expired: run \`aws sso login --profile ${profile}\` and sync again.`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-s3-sso-'));
  home = join(dir, 'home');
  await mkdir(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  // The local SSO portal: a refresh token is refused (as AWS does once the session is over), and so is role access.
  sso = createServer((req, res) => {
    ssoRequests.push(`${req.method} ${req.url?.split('?')[0]}`);
    req.resume();
    res.setHeader('content-type', 'application/json');
    if (req.url === '/token') {
      res.statusCode = 400;
      res.setHeader('x-amzn-errortype', 'InvalidGrantException');
      res.end('{"error":"invalid_grant","error_description":"Invalid refresh token provided"}');
    } else {
      res.statusCode = 401;
      res.setHeader('x-amzn-errortype', 'UnauthorizedException');
      res.end('{"message":"Session token not found or invalid"}');
    }
  });
  await new Promise<void>((ok) => sso.listen(0, '127.0.0.1', ok));
  const ssoEndpoint = `http://127.0.0.1:${(sso.address() as AddressInfo).port}`;

  await writeFile(
    join(home, '.aws', 'config'),
    `[profile analyst]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Analyst\nregion = eu-west-1\n\n` +
      `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n` +
      `[profile legacy]\nsso_start_url = ${LEGACY_URL}\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Analyst\nregion = eu-west-1\n\n` +
      `[profile revoked]\nsso_start_url = ${REVOKED_URL}\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Analyst\nregion = eu-west-1\n`,
  );
  // What `aws sso login` leaves behind, an hour after it expired; the session one can be refreshed, so the SDK tries.
  await writeFile(
    tokenFile('corp'),
    JSON.stringify({
      startUrl: START_URL,
      region: 'eu-west-1',
      accessToken: ACCESS_TOKEN,
      expiresAt: hoursFromNow(-1),
      clientId: 'client-id',
      clientSecret: 'client-secret',
      registrationExpiresAt: hoursFromNow(24 * 80),
      refreshToken: 'refresh-token',
    }),
  );
  await writeFile(tokenFile(LEGACY_URL), JSON.stringify({ startUrl: LEGACY_URL, region: 'eu-west-1', accessToken: ACCESS_TOKEN, expiresAt: hoursFromNow(-1) }));
  await writeFile(
    tokenFile(REVOKED_URL),
    JSON.stringify({ startUrl: REVOKED_URL, region: 'eu-west-1', accessToken: ACCESS_TOKEN, expiresAt: hoursFromNow(8) }),
  );

  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL'])
    delete process.env[k];
  Object.assign(process.env, {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SSO: ssoEndpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: ssoEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  app = await createApp(join(dir, 'ws.duckdb'), () => {});
}, 60_000);

afterAll(async () => {
  await app?.close();
  await new Promise((ok) => sso?.close(ok));
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

describe('an expired AWS SSO session', () => {
  it('s3.plan and s3.sync say to run aws sso login for the profile, after the refresh the SDK tries is refused', async () => {
    const plan = await failure('s3.plan', source({ profile: 'analyst' }));
    expect(plan).toEqual({ code: 'NO_CREDENTIALS', message: expiredMessage('analyst') });
    // The SDK did try to refresh, and only against the local portal.
    expect(ssoRequests).toContain('POST /token');
    const sync = await failure('s3.sync', source({ profile: 'analyst' }));
    expect(sync).toEqual({ code: 'NO_CREDENTIALS', message: expiredMessage('analyst') });
    expect(JSON.stringify([plan, sync])).not.toContain(ACCESS_TOKEN);
  });

  it('an old-style profile (sso_start_url, no sso-session) fails the same way without any request', async () => {
    const before = ssoRequests.length;
    expect(await failure('s3.plan', source({ profile: 'legacy' }))).toEqual({ code: 'NO_CREDENTIALS', message: expiredMessage('legacy') });
    expect(ssoRequests.length).toBe(before);
  });

  it('names the profile that AWS_PROFILE picks when the source has none', async () => {
    process.env.AWS_PROFILE = 'legacy';
    try {
      expect(await failure('s3.plan', source())).toEqual({ code: 'NO_CREDENTIALS', message: expiredMessage('legacy') });
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  it('a token the portal refuses (signed out elsewhere, revoked) still says to log in again', async () => {
    const err = await failure('s3.plan', source({ profile: 'revoked' }));
    expect(err.code).toBe('NO_CREDENTIALS');
    expect(err.message).toBe(
      'AWS SSO refused the session for profile "revoked" (UnauthorizedException): run `aws sso login --profile revoked` and sync again; if it persists, check sso_account_id and sso_role_name in the profile.',
    );
    expect(ssoRequests).toContain('GET /federation/credentials');
    expect(err.message).not.toContain(ACCESS_TOKEN);
  });

  it('a profile name nobody declared is named as such, not as a missing region or missing keys', async () => {
    const config = join(home, '.aws', 'config');
    const credentials = join(home, '.aws', 'credentials');
    const missing = `There is no AWS profile "analyts" in ${config} or ${credentials}: check the profile name (\`aws configure list-profiles\` lists them).`;
    // No region and no endpoint: the region lookup would have failed first.
    expect(await failure('s3.plan', source({ profile: 'analyts', endpoint: undefined }))).toEqual({ code: 'NO_CREDENTIALS', message: missing });
    process.env.AWS_PROFILE = 'analyts';
    try {
      expect(await failure('s3.plan', source())).toEqual({ code: 'NO_CREDENTIALS', message: missing });
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  it('sync --dry-run prints the one line and exits 1, with no stack trace and nothing on stdout', async () => {
    const args = [
      CLI,
      'sync',
      '--dry-run',
      '--json',
      '--workspace',
      join(dir, 'cli.duckdb'),
      '--bucket',
      'game-logs',
      '--prefix',
      'playlog/',
      '--from',
      '2018-10-09T00',
      '--to',
      '2018-10-09T00',
      '--endpoint',
      'http://127.0.0.1:9',
    ];
    // The CLI silences the SDK's Node-version notice itself: the child does not inherit this file's silencing.
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...env } = process.env;
    const failed = await run(process.execPath, args, { env: { ...env, AWS_PROFILE: 'analyst' } }).then(
      () => expect.fail('sync --dry-run succeeded with an expired SSO session'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.trim()).toBe(`redzone sync: NO_CREDENTIALS: ${expiredMessage('analyst')}`);
  }, 60_000);
});

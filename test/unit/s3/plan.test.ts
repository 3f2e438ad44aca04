import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/envelope.ts';
import { describeS3Error, redactSecrets } from '../../../electron/s3/errors.ts';
import { bareEtag, etagIsContentMd5 } from '../../../electron/s3/etag.ts';
import { buildPlan, objectStatus } from '../../../electron/s3/plan.ts';
import { validateSource } from '../../../electron/s3/sources.ts';
import { cachePathFor } from '../../../electron/s3/sync.ts';

const source = { name: 's', bucket: 'bkt', prefixes: ['playlog/'], from: '2018-10-09T00', to: '2018-10-09T23' };
const o = (key: string, etag: string, size = 10) => ({ key, etag, size, lastModified: new Date(0) });
const window = { from: 100, to: 200 };

describe('plan', () => {
  it('classifies objects as new, changed or unchanged and sums bytes', () => {
    const imported = new Map([
      ['a', { etag: 'e1', from: 100, to: 200 }],
      ['b', { etag: 'old', from: 100, to: 200 }],
    ]);
    const plan = buildPlan(source, ['playlog/2018/10/09/'], [o('a', 'e1', 5), o('b', 'e2', 7), o('c', 'e3', 11)], (k) => imported.get(k), window);
    expect(plan.objects.map((x) => x.status)).toEqual(['unchanged', 'changed', 'new']);
    expect(plan.totals).toEqual({ unchanged: { objects: 1, bytes: 5 }, changed: { objects: 1, bytes: 7 }, new: { objects: 1, bytes: 11 } });
  });

  it('treats an object imported for a narrower window as new to this range', () => {
    expect(objectStatus(o('a', 'e'), { etag: 'e', from: 100, to: 150 }, window)).toBe('new');
    expect(objectStatus(o('a', 'e'), { etag: 'e', from: 50, to: 250 }, window)).toBe('unchanged');
  });
});

describe('etags', () => {
  it('checks MD5 only for single-part, non-KMS, non-SSE-C objects', () => {
    expect(bareEtag('"5eb63bbbe01eeed093cb22bb8f5acdc3"')).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    expect(etagIsContentMd5('5eb63bbbe01eeed093cb22bb8f5acdc3')).toBe(true);
    expect(etagIsContentMd5('5eb63bbbe01eeed093cb22bb8f5acdc3', 'AES256')).toBe(true);
    expect(etagIsContentMd5('d41d8cd98f00b204e9800998ecf8427e-3')).toBe(false);
    expect(etagIsContentMd5('5eb63bbbe01eeed093cb22bb8f5acdc3', 'aws:kms')).toBe(false);
    expect(etagIsContentMd5('5eb63bbbe01eeed093cb22bb8f5acdc3', undefined, 'AES256')).toBe(false);
  });
});

describe('cache paths', () => {
  it('mirrors the bucket layout and refuses keys that would escape it', () => {
    expect(cachePathFor('/c', 'b', 'playlog/2018/10/09/00/x.gz')).toBe('/c/b/playlog/2018/10/09/00/x.gz');
    for (const bad of ['../x', 'a/../../x', 'a//b', '/abs', 'a/./b', 'a/b.part']) expect(cachePathFor('/c', 'b', bad)).toBeNull();
  });
});

describe('sources', () => {
  it('normalizes a valid source and names the field of a bad one', () => {
    expect(validateSource({ ...source, prefixes: ['playlog', 'playlog/'], region: '', endpoint: 'http://127.0.0.1:9000' })).toEqual({
      ...source,
      prefixes: ['playlog/'],
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(() => validateSource({ ...source, bucket: 'Bad Bucket' })).toThrow(/"bucket"/);
    expect(() => validateSource({ ...source, prefixes: [] })).toThrow(/"prefixes"/);
    expect(() => validateSource({ ...source, region: 'mars' })).toThrow(/"region"/);
    expect(() => validateSource({ ...source, endpoint: 'http://AKIA:secret@host' })).toThrow(/must not contain credentials/);
    expect(() => validateSource({ ...source, to: '2018-10-08T00' })).toThrow(/before "from"/);
  });
});

describe('error messages', () => {
  const ctx = { bucket: 'b', profile: 'analyst', region: 'eu-west-1' };
  const sdk = (name: string, status?: number, message = 'x') => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('says what to do for each common failure', () => {
    const cases: [unknown, string, RegExp][] = [
      [
        sdk('CredentialsProviderError', undefined, 'Could not load credentials from any providers'),
        'NO_CREDENTIALS',
        /No AWS credentials: the AWS profile "analyst"/,
      ],
      [sdk('TokenProviderError', undefined, 'The SSO session token is expired, refresh required'), 'NO_CREDENTIALS', /aws sso login --profile analyst/],
      [sdk('ExpiredToken', 400), 'NO_CREDENTIALS', /have expired/],
      [sdk('AccessDenied', 403), 'S3_ERROR', /Access denied to s3:\/\/b\//],
      [sdk('InvalidAccessKeyId', 403), 'S3_ERROR', /Access denied/],
      [sdk('NoSuchBucket', 404), 'S3_ERROR', /bucket "b" does not exist/],
      [
        Object.assign(sdk('PermanentRedirect', 301), { $response: { headers: { 'x-amz-bucket-region': 'us-west-2' } } }),
        'S3_ERROR',
        /Wrong region.*in us-west-2/,
      ],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'S3_ERROR', /Cannot reach S3 \(ECONNREFUSED\)/],
      [Object.assign(new Error('getaddrinfo'), { cause: { code: 'ENOTFOUND' } }), 'S3_ERROR', /network is down/],
    ];
    for (const [e, code, re] of cases) {
      const err = describeS3Error(e, ctx);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.code, String(re)).toBe(code);
      expect(err.message).toMatch(re);
    }
  });

  it("sorts SSO failures by what to do, from the SDK's own messages", () => {
    const sso = { ...ctx, profileSetup: 'sso' as const };
    const cases: [unknown, RegExp][] = [
      [
        sdk('CredentialsProviderError', undefined, "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile."),
        /^The AWS SSO session for profile "analyst" has expired: run `aws sso login --profile analyst`/,
      ],
      [
        sdk(
          'CredentialsProviderError',
          undefined,
          "Value not present for 'clientId' in SSO Token. Cannot refresh. To refresh this SSO session run 'aws sso login'",
        ),
        /has expired/,
      ],
      [
        sdk('CredentialsProviderError', undefined, 'The SSO session token associated with profile=analyst was not found or is invalid.'),
        /^There is no AWS SSO session for profile "analyst" \(never signed in/,
      ],
      [sdk('CredentialsProviderError', undefined, 'Error: connect ECONNREFUSED 127.0.0.1:9'), /^Cannot reach AWS SSO for profile "analyst" \(ECONNREFUSED\)/],
      [
        sdk('CredentialsProviderError', undefined, 'ForbiddenException: No access'),
        /^AWS SSO refused the session for profile "analyst" \(ForbiddenException\)/,
      ],
    ];
    for (const [e, re] of cases) expect(describeS3Error(e, sso)).toMatchObject({ code: 'NO_CREDENTIALS', message: expect.stringMatching(re) });
    // Another kind of profile keeps the generic message: its failure is not about SSO.
    expect(
      describeS3Error(sdk('CredentialsProviderError', undefined, 'Error: connect ECONNREFUSED 127.0.0.1:9'), { ...ctx, profileSetup: 'other' }).message,
    ).toMatch(/^No AWS credentials/);
  });

  it('never repeats a key or a secret', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const err = describeS3Error(sdk('WeirdError', 500, `AKIAIOSFODNN7EXAMPLE ${secret} failed`), ctx);
    expect(err.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(err.message).not.toContain(secret);
    expect(redactSecrets(`token ${'A'.repeat(300)}`)).toBe('token [redacted]');
  });
});

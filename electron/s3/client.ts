import type { S3Client } from '@aws-sdk/client-s3';
import { getHomeDir, loadConfig, NODE_REGION_CONFIG_OPTIONS, parseKnownFiles } from '@smithy/core/config';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { join } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import type { S3Source } from '../../shared/api/s3.ts';
import { describeS3Error, missingProfileError, type ProfileSetup } from './errors.ts';
import { credentialProviders, s3Sdk } from './sdk.ts';

export interface S3Connection {
  client: S3Client;
  /** The same strategy the client retries requests with; downloads use it to retry broken bodies too. */
  retry: StandardRetryStrategy;
  region: string;
  close(): void;
}

export interface ConnectOptions {
  /** Attempts per request (and per object body), including the first. */
  maxAttempts?: number;
  /** Parallel downloads the connection pool must carry. */
  concurrency?: number;
  /** A request with no bytes moving for this long is retried. */
  idleTimeoutMs?: number;
}

/** The shared files the SDK reads, where it looks for them. */
function sharedFiles(): string[] {
  return [
    process.env.AWS_CONFIG_FILE || join(getHomeDir(), '.aws', 'config'),
    process.env.AWS_SHARED_CREDENTIALS_FILE || join(getHomeDir(), '.aws', 'credentials'),
  ];
}

/**
 * What the shared files declare for a profile. Read afresh (the SDK otherwise keeps the first read for the
 * life of the process), which also refreshes the SDK's copy: a profile added while the app runs is seen.
 */
export async function profileSetup(profile: string): Promise<ProfileSetup> {
  const profiles = await parseKnownFiles({ ignoreCache: true });
  const declared = profiles[profile];
  if (!declared) return 'missing';
  return Object.keys(declared).some((k) => k.startsWith('sso_')) ? 'sso' : 'other';
}

/** The profile the credentials come from: the source's, else AWS_PROFILE for the default chain. */
function profileInForce(source: Pick<S3Source, 'profile'>): string | undefined {
  return source.profile ?? (process.env.AWS_PROFILE || undefined);
}

/** Region as the AWS CLI finds it: the source, then AWS_REGION, then the profile; never the instance metadata. */
export async function resolveRegion(source: Pick<S3Source, 'bucket' | 'region' | 'profile' | 'endpoint'>): Promise<string> {
  if (source.region) return source.region;
  const found = await loadConfig<string | undefined>(
    { ...NODE_REGION_CONFIG_OPTIONS, default: () => undefined },
    source.profile ? { profile: source.profile } : {},
  )().catch(() => undefined);
  if (found) return found;
  // S3-compatible stores rarely care about the region but the signature needs one.
  if (source.endpoint) return 'us-east-1';
  throw new ApiError(
    'BAD_REQUEST',
    `no AWS region for bucket ${source.bucket}: set the source's region, AWS_REGION, or region in the ${source.profile ? `profile "${source.profile}"` : 'default profile'}`,
  );
}

/** Credentials exactly as the AWS CLI finds them: a named profile (SSO, process, role…) or the default chain. */
async function credentialsFor(profile: string | undefined) {
  const { fromIni, fromNodeProviderChain } = await credentialProviders();
  return profile ? fromIni({ profile }) : fromNodeProviderChain();
}

export async function connect(source: S3Source, options: ConnectOptions = {}): Promise<S3Connection> {
  // Before the region: a mistyped profile would otherwise be reported as a missing region.
  if (source.profile && (await profileSetup(source.profile)) === 'missing') throw missingProfileError(source.profile, sharedFiles());
  const region = await resolveRegion(source);
  const retry = new StandardRetryStrategy(options.maxAttempts ?? 5);
  const { S3Client } = await s3Sdk();
  const client = new S3Client({
    region,
    credentials: await credentialsFor(source.profile),
    ...(source.endpoint ? { endpoint: source.endpoint, forcePathStyle: true } : {}),
    retryStrategy: retry,
    // A wrong region is reported with the bucket's real one rather than silently redirected.
    followRegionRedirects: false,
    // Validate flexible checksums whenever S3 has one for the object (CRC32/CRC64/SHA); MD5 ETags are checked by the download.
    responseChecksumValidation: 'WHEN_SUPPORTED',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: 5_000,
      // An idle socket, not a long transfer, is what counts as a timeout for large objects.
      socketTimeout: options.idleTimeoutMs ?? 30_000,
      httpAgent: { keepAlive: true, maxSockets: Math.max(8, (options.concurrency ?? 8) * 2) },
      httpsAgent: { keepAlive: true, maxSockets: Math.max(8, (options.concurrency ?? 8) * 2) },
    },
  });
  return { client, retry, region, close: () => client.destroy() };
}

/** Fails early with the clear message when credentials cannot be found or have expired. */
export async function checkCredentials(conn: S3Connection, source: S3Source): Promise<void> {
  try {
    await conn.client.config.credentials();
  } catch (e) {
    const profile = profileInForce(source);
    const setup = profile ? await profileSetup(profile).catch(() => undefined) : undefined;
    if (profile && setup === 'missing') throw missingProfileError(profile, sharedFiles());
    throw describeS3Error(e, { bucket: source.bucket, profile, region: conn.region, endpoint: source.endpoint, ...(setup ? { profileSetup: setup } : {}) });
  }
}

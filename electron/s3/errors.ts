import { ApiError } from '../../shared/api/envelope.ts';

export interface ErrorContext {
  bucket: string;
  key?: string;
  profile?: string;
  region?: string;
  endpoint?: string;
  /** What the shared AWS files declare for `profile`, when looked up: a credential failure then names its real cause. */
  profileSetup?: ProfileSetup;
}

/** A named profile is missing from ~/.aws, signs in through SSO, or gets its credentials another way (keys, process, role…). */
export type ProfileSetup = 'missing' | 'sso' | 'other';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENETDOWN',
  'ECONNABORTED',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
  cause?: unknown;
}

/** Access key IDs, secret-looking 40-character strings, and session tokens never leave this module in a message. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, '[redacted]')
    .replace(/[A-Za-z0-9/+=]{100,}/g, '[redacted]');
}

function networkCode(e: SdkErrorShape | undefined, depth = 0): string | undefined {
  if (!e || depth > 3) return undefined;
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError' || e.code === 'TimeoutError') return 'timeout';
  return networkCode(e.cause as SdkErrorShape | undefined, depth + 1);
}

/** Credential providers wrap a socket failure into a message ("Error: connect ECONNREFUSED …") and drop its code. */
function networkCodeInText(message: string): string | undefined {
  return message.match(/\b[A-Z]{5,}\b/g)?.find((w) => NETWORK_CODES.has(w));
}

function where(ctx: ErrorContext): string {
  return `s3://${ctx.bucket}/${ctx.key ?? ''}`;
}

function loginHint(profile?: string): string {
  return `aws sso login${profile ? ` --profile ${profile}` : ''}`;
}

/** A profile name that no shared file declares: a typo or the wrong machine, not a login problem. */
export function missingProfileError(profile: string, files: string[]): ApiError {
  return new ApiError(
    'NO_CREDENTIALS',
    `There is no AWS profile "${profile}" in ${files.join(' or ')}: check the profile name (\`aws configure list-profiles\` lists them).`,
  );
}

/**
 * Credential-provider failures of an SSO profile, sorted by what the analyst has to do. The SDK's own
 * messages say which ("Token is expired", "…has expired", "Cannot refresh", "The SSO session … was not
 * found or is invalid"); none of them carries the token.
 */
function ssoFailure(message: string, ctx: ErrorContext, profileText: string): ApiError | undefined {
  const bySdkText = /\bsso\b/i.test(message);
  if (!bySdkText && ctx.profileSetup !== 'sso') return undefined;
  const login = `run \`${loginHint(ctx.profile)}\` and sync again`;
  if (bySdkText && /expired|cannot refresh/i.test(message))
    return new ApiError('NO_CREDENTIALS', `The AWS SSO session for ${profileText} has expired: ${login}.`);
  if (bySdkText && /not found|invalid|login/i.test(message)) {
    return new ApiError('NO_CREDENTIALS', `There is no AWS SSO session for ${profileText} (never signed in, or ~/.aws/sso/cache was cleared): ${login}.`);
  }
  const net = networkCodeInText(message);
  if (net)
    return new ApiError(
      'NO_CREDENTIALS',
      `Cannot reach AWS SSO for ${profileText} (${net}): the network is down. Everything already synced still works offline.`,
    );
  // The portal refused a token that looks valid here: signed out elsewhere, revoked, or no such role.
  const refusal = message.match(/\b\w+Exception\b/)?.[0];
  return new ApiError(
    'NO_CREDENTIALS',
    `AWS SSO refused the session for ${profileText}${refusal ? ` (${refusal})` : ''}: ${login}; if it persists, check sso_account_id and sso_role_name in the profile.`,
  );
}

/**
 * Turns whatever the SDK, the credential providers or the socket threw into one ApiError whose message
 * says what to do. Messages are built from the error's name and the context only, so no credential
 * (nor anything the server echoed back about it) ends up in a log line or an error.
 */
export function describeS3Error(e: unknown, ctx: ErrorContext): ApiError {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = err.name ?? err.Code ?? 'Error';
  const message = String(err.message ?? e);
  const status = err.$metadata?.httpStatusCode;
  const profileText = ctx.profile ? `profile "${ctx.profile}"` : 'the default credential chain';

  if (name === 'AbortError' || name === 'CancelledError') return new ApiError('CANCELLED', 'cancelled');
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    const sso = ssoFailure(message, ctx, profileText);
    if (sso) return sso;
  }
  // A credential_process or container provider that hands back credentials past their expiry says so in its message.
  const expiredByProvider = /\bexpired\b/i.test(message) && /credential/i.test(message) && !status;
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'TokenRefreshRequired' || expiredByProvider) {
    return new ApiError(
      'NO_CREDENTIALS',
      `The AWS credentials from ${profileText} have expired: refresh them (for SSO: \`${loginHint(ctx.profile)}\`) and sync again.`,
    );
  }
  if (name === 'CredentialsProviderError' || (/could not load credentials|profile .* could not be found|credential/i.test(message) && !status)) {
    const detail = ctx.profile
      ? `the AWS profile "${ctx.profile}" gave no credentials (check ~/.aws/config and ~/.aws/credentials, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)`
      : 'none were found in the environment, ~/.aws/config, ~/.aws/credentials, SSO, credential_process or instance metadata';
    return new ApiError('NO_CREDENTIALS', `No AWS credentials: ${detail}. Set a profile on the source or run \`aws configure\`.`);
  }
  if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AllAccessDisabled', 'AccountProblem', 'InvalidToken'].includes(name) || status === 403) {
    return new ApiError(
      'S3_ERROR',
      `Access denied to ${where(ctx)} for ${profileText} (${name}): the keys are wrong or lack s3:ListBucket / s3:GetObject on this bucket.`,
    );
  }
  if (name === 'NoSuchBucket')
    return new ApiError(
      'S3_ERROR',
      `The bucket "${ctx.bucket}" does not exist${ctx.endpoint ? ` at ${ctx.endpoint}` : ''}: check the bucket name${ctx.endpoint ? ' and the endpoint' : ''}.`,
    );
  if (name === 'NoSuchKey') return new ApiError('S3_ERROR', `${where(ctx)} no longer exists (deleted after listing); sync again.`);
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException' || status === 301) {
    const actual = err.$response?.headers?.['x-amz-bucket-region'];
    return new ApiError(
      'S3_ERROR',
      `Wrong region for bucket "${ctx.bucket}": it is not in ${ctx.region ?? 'the configured region'}${actual ? `; it is in ${actual}` : ''}. Set the source's region${actual ? ` to ${actual}` : ''}.`,
    );
  }
  if (name === 'PreconditionFailed' || status === 412)
    return new ApiError('S3_ERROR', `${where(ctx)} changed while it was downloading; sync again to fetch the new version.`);
  const net = networkCode(err);
  if (net) {
    return new ApiError(
      'S3_ERROR',
      `Cannot reach S3${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} (${net}): the network is down or the endpoint is wrong. Everything already synced still works offline.`,
    );
  }
  if (/Region is missing/i.test(message)) return new ApiError('BAD_REQUEST', `No AWS region: set the source's region, AWS_REGION, or region in the profile.`);
  return new ApiError('S3_ERROR', redactSecrets(`${where(ctx)}: ${name}${status ? ` (HTTP ${status})` : ''}: ${message}`));
}

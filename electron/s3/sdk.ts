/**
 * The AWS SDK, loaded on first S3 use rather than imported: the CLI's commands and the app's start-up
 * that never touch S3 skip ~0.1 s of module loading. Node caches the modules after the first call.
 */
export const s3Sdk = () => import('@aws-sdk/client-s3');
export const credentialProviders = () => import('@aws-sdk/credential-providers');

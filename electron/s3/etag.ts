/** S3 quotes ETags; the ledger and the plan keep them bare. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

/**
 * A single-part upload's ETag is the MD5 of the content; a multipart one ends in "-N" and SSE-KMS or
 * SSE-C objects have opaque ETags, so only the size can be checked for those.
 */
export function etagIsContentMd5(etag: string, serverSideEncryption?: string, sseCustomerAlgorithm?: string): boolean {
  if (sseCustomerAlgorithm) return false;
  if (serverSideEncryption && serverSideEncryption.startsWith('aws:kms')) return false;
  return /^[0-9a-f]{32}$/i.test(etag);
}

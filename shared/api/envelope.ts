/** The error codes every method may fail with. Small on purpose: the UI branches on these, not on messages. */
export const ERROR_CODES = [
  'BAD_REQUEST', // the request's shape or values are wrong
  'NOT_FOUND', // a named thing (result, job, run, player) does not exist
  'SQL_ERROR', // DuckDB refused the statement; message is DuckDB's
  'CANCELLED', // the user cancelled the operation
  'BUSY', // too many requests of this kind are running; retry after one finishes
  'REFUSED', // the console refused a statement: files outside its sandbox, or Redzone's own objects
  'WORKSPACE_INVALID', // the file is not a DuckDB workspace
  'WORKSPACE_TOO_NEW', // the workspace was written by a newer Redzone
  'IO_ERROR', // the file system failed
  'S3_ERROR', // S3 refused or could not be reached
  'NO_CREDENTIALS', // no AWS credentials could be found or they expired
  'FORBIDDEN', // transport refused the caller
  'INTERNAL', // a bug: the message says what, the log has the stack
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Every response crosses the process boundary in this envelope, so errors keep code and message. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** Thrown by services and by clients when an envelope carries an error. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(ERROR_CODES.includes(body.code) ? body.code : 'INTERNAL', body.message, body.details);
  }
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw ApiError.fromBody(envelope.error);
}

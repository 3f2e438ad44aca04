/** One CLI command. Each lives in its own file under commands/ and is listed, with its name and summary, in commands/index.ts. */
export interface Command {
  /** Full `--help` text: usage line, options, an example. */
  help: string;
  /** Returns the process exit code. Throw CliError for a clean one-line failure. */
  run(argv: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** A failure the user caused (bad flag, missing file): printed as one line, exit code 2 by default. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * What a command may touch besides its arguments: two output streams. Commands
 * write through these instead of `process.stdout` so tests can run them in-process
 * and read what they printed.
 */
export interface Output {
  /** Text, or bytes as a WASI program wrote them. */
  write(chunk: string | Uint8Array): unknown;
  /** A terminal: progress bars are drawn only there (`process.stderr` sets it). */
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one. */
  readonly columns?: number;
}

export interface CommandIO {
  stdout: Output;
  stderr: Output;
  /** What `wasmloom run` gives the program as stdin: a file descriptor to read, or bytes (tests). */
  stdin?: number | Uint8Array;
}

export const processIO: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: 0 };

/** Exit codes: 1 = the input could not be processed, 2 = the command line is wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user caused and should read about on stderr, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

export function inputError(message: string): CliError {
  return new CliError(message, EXIT_FAILURE);
}

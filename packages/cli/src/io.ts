/**
 * What a command may touch besides its arguments: two output streams. Commands
 * write through these instead of `process.stdout` so tests can run them in-process
 * and read what they printed.
 */
export interface Output {
  write(text: string): unknown;
}

export interface CommandIO {
  stdout: Output;
  stderr: Output;
}

export const processIO: CommandIO = { stdout: process.stdout, stderr: process.stderr };

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

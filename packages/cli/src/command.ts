/**
 * The shape every subcommand has. A command lives in its own file under
 * `commands/`, declares its options for `util.parseArgs`, and returns an exit
 * code; `cli.ts` does the dispatch, `--help` and argument errors for all of them.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CommandIO } from './io.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** With `passThrough`: everything after the first positional, verbatim. */
  rest?: string[];
}

export interface Command {
  name: string;
  /** One line for `wasmloom --help`. */
  summary: string;
  /** Arguments after the command name, e.g. `[options] [file.wasm]`. */
  synopsis: string;
  /** `[flags, description]` of each option, for `wasmloom <command> --help`. */
  help: [string, string][];
  options: OptionsConfig;
  /**
   * Options end at the first positional (the file to run): what follows is
   * handed over verbatim in `rest`, for the program rather than for us.
   */
  passThrough?: boolean;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/**
 * `wasmloom <command> [options]`: picks the command, parses its options with
 * `util.parseArgs`, and maps failures to exit codes (1 for bad input, 2 for a bad
 * command line). Output goes through the injected `CommandIO`.
 */
import { parseArgs } from 'node:util';
import type { Command, OptionsConfig } from './command.js';
import { commands } from './commands/index.js';
import { CliError, type CommandIO, EXIT_USAGE, processIO } from './io.js';

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: wasmloom <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'wasmloom <command> --help' for a command's options.\n`;
}

function commandHelp(command: Command): string {
  const rows = [...command.help, ['-h, --help', 'show this help']];
  const width = Math.max(...rows.map(([flags]) => flags.length));
  const lines = rows.map(([flags, text]) => `  ${flags.padEnd(width)}  ${text}`);
  return `Usage: wasmloom ${command.name} ${command.synopsis}\n\n${command.summary}\n\nOptions:\n${lines.join('\n')}\n`;
}

/**
 * `args` split after the first positional: `[ours, theirs]`. An option that
 * takes a value skips the next argument (unless given as `--name=value`); `--`
 * ends the options, the positional after it is the last of ours.
 */
export function splitAtFirstPositional(
  args: readonly string[],
  options: OptionsConfig,
): [string[], string[]] {
  const takesValue = (token: string): boolean => {
    if (token.startsWith('--')) {
      if (token.includes('=')) return false;
      return options[token.slice(2)]?.type === 'string';
    }
    // -o VALUE (and -oVALUE, which carries its value)
    if (token.length !== 2) return false;
    return Object.values(options).some((o) => o.short === token[1] && o.type === 'string');
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return [args.slice(0, i + 2), args.slice(i + 2)];
    if (a.startsWith('-') && a !== '-') {
      if (takesValue(a)) i++;
      continue;
    }
    return [args.slice(0, i + 1), args.slice(i + 1)];
  }
  return [[...args], []];
}

export async function runCli(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(mainHelp());
    return EXIT_USAGE;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic) : mainHelp());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`wasmloom: unknown command '${name}'\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    const options = { ...command.options, help: { type: 'boolean', short: 'h' } } as const;
    const [ours, theirs] = command.passThrough ? splitAtFirstPositional(rest, options) : [rest, []];
    const args = parseArgs({ args: ours, options, allowPositionals: true, strict: true });
    if (args.values.help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    return await command.run(command.passThrough ? { ...args, rest: theirs } : args, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`wasmloom ${command.name}: ${err.message}\n`);
      return err.exitCode;
    }
    // parseArgs reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      io.stderr.write(`wasmloom ${command.name}: ${(err as Error).message}\n\n${commandHelp(command)}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

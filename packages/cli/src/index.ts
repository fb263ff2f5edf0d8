export { runCli } from './cli.js';
export type { Command, ParsedArgs } from './command.js';
export { type InspectReport, inspectBytes } from './commands/inspect.js';
export { CliError, type CommandIO, type Output } from './io.js';

import type { Command } from '../command.js';
import { benchCommand } from './bench.js';
import { compileCommand } from './compile.js';
import { demoCommand } from './demo.js';
import { inspectCommand } from './inspect.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/** Every subcommand, in the order `wasmloom --help` lists them. */
export const commands: readonly Command[] = [
  runCommand,
  validateCommand,
  compileCommand,
  inspectCommand,
  benchCommand,
  demoCommand,
];

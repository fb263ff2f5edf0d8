/** Option values more than one command reads. */
import { usageError } from '../io.js';

/** `--workers N`: a count of compile threads, 0 for the calling thread; undefined when not given. */
export function parseWorkers(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 256)
    throw usageError(`--workers wants a whole number from 0 to 256, got '${String(value)}'`);
  return n;
}

/** `--runs N`: a positive count. */
export function parseRuns(value: unknown, name = '--runs'): number {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > 1000)
    throw usageError(`${name} wants a whole number from 1 to 1000, got '${String(value)}'`);
  return n;
}

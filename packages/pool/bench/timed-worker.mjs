// The compile worker, also reporting this thread's run and wait times (Linux)
// after each task, so that measure.mjs can tell compile work from waiting for a core.
import { readFileSync } from 'node:fs';
import { parentPort, threadId } from 'node:worker_threads';
import compileTask from '../dist/worker.js';

/** This thread's time on a core and time waiting for one, in ms (Linux schedstat, ns resolution). */
export function threadTimes() {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return { runMs: Number.NaN, waitMs: Number.NaN };
  }
}

export default function timedCompileTask(task) {
  const reply = compileTask(task);
  parentPort.postMessage({ threadId, times: threadTimes() });
  return reply;
}

/** Worker thread entry: runs the scripts the pool sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import { describeError, failedScript } from './run-script.js';
import { NamespaceCache, readTaskScript, runTask, type ScriptTask, type TaskReply } from './task.js';

const cache = new NamespaceCache();
const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

port.on('message', async (task: ScriptTask) => {
  let reply: TaskReply;
  try {
    reply = { id: task.id, result: await runTask(task, cache) };
  } catch (e) {
    reply = {
      id: task.id,
      result: failedScript(await readTaskScript(task), `runner crashed: ${describeError(e)}`),
    };
  }
  port.postMessage(reply);
});

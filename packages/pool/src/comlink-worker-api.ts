/** What a comlink worker exposes: the same task handler as the piscina worker. */
import { transfer } from 'comlink';
import { runTask } from './compile-batch.js';
import type { CompileTask, TaskReply } from './protocol.js';

export const compileWorkerApi = {
  run(task: CompileTask): TaskReply {
    const reply = runTask(task);
    return reply.type === 'needEnv' ? transfer(reply, [reply.packed]) : reply;
  },
};

export type CompileWorkerApi = typeof compileWorkerApi;

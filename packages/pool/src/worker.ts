/** The piscina worker entry: one task in, one reply out; a `needEnv` reply moves the bytes back. */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runTask } from './compile-batch.js';
import type { CompileTask, TaskReply } from './protocol.js';

export default function compileTask(task: CompileTask): TaskReply {
  const reply = runTask(task);
  if (reply.type !== 'needEnv') return reply;
  return move({ [transferableSymbol]: reply.packed, [valueSymbol]: reply } as never) as unknown as TaskReply;
}

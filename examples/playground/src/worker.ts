/**
 * The training worker: tfjs runs here, so the page stays responsive however long a step takes.
 * One run at a time; `pause` aborts it after the current step (fit saves a checkpoint), `reset`
 * deletes a run's checkpoints.
 */
import type { Command, Report } from './messages.js';
import { runName } from './settings.js';
import { trainRun } from './train.js';

const post = (report: Report) => (self as unknown as Worker).postMessage(report);
let running: { controller: AbortController; done: Promise<void> } | undefined;

async function deleteRun(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

self.onmessage = async (event: MessageEvent<Command>) => {
  const command = event.data;
  if (command.type === 'pause') {
    running?.controller.abort();
    return;
  }
  if (running !== undefined) {
    running.controller.abort();
    await running.done;
  }
  if (command.type === 'reset') {
    await deleteRun(runName(command.settings)).then(
      () => post({ type: 'reset' }),
      (error: Error) => post({ type: 'error', name: error.name, message: error.message }),
    );
    return;
  }
  const controller = new AbortController();
  const done = trainRun(command.settings, post, controller.signal).catch((error: Error) => {
    post({ type: 'error', name: error.name, message: error.message });
  });
  running = { controller, done };
  await done;
  if (running?.done === done) running = undefined;
};

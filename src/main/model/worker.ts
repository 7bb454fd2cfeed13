// Entry point of a training worker thread (see trainLoop.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingWorker, type WorkerInit, type WorkerMessage } from './trainLoop';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
runTrainingWorker(workerData as WorkerInit, post).catch((error: Error) => {
  post({ type: 'error', message: error.message, stack: error.stack });
});

// Entry point of a training worker thread (see trainLoop.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { RelayEngine } from './engineRelay';
import { runTrainingWorker, type WorkerInit, type WorkerMessage } from './trainLoop';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const init = workerData as WorkerInit;
// The desktop app's GPU window, through the main process (engineRelay.ts).
const remote = init.gpuPort ? new RelayEngine(init.gpuPort) : undefined;
runTrainingWorker(init, post, remote).catch((error: Error) => {
  post({ type: 'error', message: error.message, stack: error.stack });
});

// Preload of the hidden GPU training window: hands the MessagePort the main process sends to the
// page (src/gpu/main.ts), which then talks to the main process directly. Nothing else is exposed.
import { ipcRenderer } from 'electron';
import { GPU_TRAINER_PORT_MESSAGE } from '../gpu/protocol';

const page = globalThis as unknown as { postMessage(message: unknown, origin: string, transfer: unknown[]): void };
ipcRenderer.on(GPU_TRAINER_PORT_MESSAGE, (event) => page.postMessage(GPU_TRAINER_PORT_MESSAGE, '*', [...event.ports]));

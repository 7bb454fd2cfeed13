// Entry of the hidden GPU training window: waits for the MessagePort the main process sends (via
// the preload, or directly from a test page) and serves training requests on it.
import { serveGpuTrainer } from './gpuTrainer';
import { GPU_TRAINER_PORT_MESSAGE, type FromGpuWindow, type ToGpuWindow } from './protocol';

// Typed here by hand: this file is type-checked with the Node project (no DOM library).
interface DomPort {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}
interface PortEvent {
  data: unknown;
  ports: readonly DomPort[];
}
const page = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: PortEvent) => void): void;
  likenessGpuTrainerReady?: boolean;
};

page.addEventListener('message', (e) => {
  if (e.data !== GPU_TRAINER_PORT_MESSAGE || !e.ports[0]) return;
  const port = e.ports[0];
  serveGpuTrainer({
    // Copied, never transferred: Electron's MessagePortMain drops a message whose transfer list
    // holds an ArrayBuffer (electron/electron#34905), and the step would wait for ever.
    post: (m: FromGpuWindow) => port.postMessage(m, []),
    onMessage: (handler) => {
      port.onmessage = (me) => handler(me.data as ToGpuWindow);
    },
  });
});
page.likenessGpuTrainerReady = true;

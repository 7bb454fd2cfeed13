// The desktop app's GPU training: Electron's main process cannot use Dawn (dawn.node hands out
// external array buffers, which Electron refuses, and a GPU driver crash would take the app down),
// so a hidden window trains with Chromium's own WebGPU, or WebGL 2, and the main process drives it
// over a MessagePort (src/gpu, src/main/model/gpuEngine.ts). A crash there loses only that window.
import { BrowserWindow, MessageChannelMain } from 'electron';
import { fileURLToPath } from 'node:url';
import { GPU_TRAINER_PORT_MESSAGE, type FromGpuWindow } from '../../gpu/protocol';
import { GpuWindowEngine } from '../model/gpuEngine';
import { setGpuWindowOpener, type GpuWindow } from '../model/gpuWindowOpener';
import { rendererWebPreferences } from '../security/electronPolicy';
import { helperWindowIds } from './startupRules';

const preloadPath = fileURLToPath(new URL('../preload/gpuTrainer.cjs', import.meta.url));
const page = fileURLToPath(new URL('../renderer/gpu-trainer.html', import.meta.url));

async function openGpuTrainerWindow(): Promise<GpuWindow> {
  const window = new BrowserWindow({
    show: false,
    title: 'Likeness GPU trainer',
    // Hidden windows are throttled by default: training must not be.
    webPreferences: { ...rendererWebPreferences(preloadPath), backgroundThrottling: false },
  });
  // Not one of the user's windows (app/startupRules.ts appWindows): Dock re-open and quit-on-close ignore it.
  const id = window.id;
  helperWindowIds.add(id);
  window.once('closed', () => helperWindowIds.delete(id));
  try {
    await window.loadFile(page);
  } catch (error) {
    // Not yet handed to anyone who could close it: a hidden window would stay for the app's life.
    window.destroy();
    throw error;
  }
  const { port1, port2 } = new MessageChannelMain();
  const engine = new GpuWindowEngine({
    post: (message) => port1.postMessage(message),
    onMessage: (handler) => port1.on('message', (event) => handler(event.data as FromGpuWindow)),
  });
  port1.start();
  window.webContents.postMessage(GPU_TRAINER_PORT_MESSAGE, null, [port2]);
  // A crashed GPU window counts as a lost device: the run continues on the CPU from its checkpoint.
  window.webContents.on('render-process-gone', (_event, details) => engine.fail(`the GPU training window stopped (${details.reason})`));
  return {
    engine,
    close() {
      port1.close();
      if (!window.isDestroyed()) window.destroy();
    },
  };
}

/** Lets training (src/main/model/train.ts) open the window when it wants a GPU. */
export function registerGpuTrainer(): void {
  setGpuWindowOpener(openGpuTrainerWindow);
}

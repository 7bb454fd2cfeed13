// How the desktop app opens its hidden GPU training window, registered by src/main/app (only it may
// import electron). Apart from gpuEngine.ts so that asking whether there is one loads no tfjs.
import type { GpuWindowEngine } from './gpuEngine';

/** An open GPU window: its engine, and how to close it. */
export interface GpuWindow {
  engine: GpuWindowEngine;
  close(): void;
}

let opener: (() => Promise<GpuWindow>) | null = null;

/** The desktop app registers how to open its GPU window (only src/main/app may import electron). */
export function setGpuWindowOpener(open: (() => Promise<GpuWindow>) | null): void {
  opener = open;
}

export function gpuWindowOpener(): (() => Promise<GpuWindow>) | null {
  return opener;
}

// What the Electron preload script exposes to the renderer as `window.likeness` (contextBridge).
// Requests go through `invoke` and are validated in the main process with the contract's schemas;
// nothing else of Electron or Node is reachable from the page.
import type { ApiEvent, ApiMethod } from './api';

export interface DesktopBridge {
  /** Calls one API method; rejects with an Error whose message is the ApiError JSON. */
  invoke(method: ApiMethod, request: unknown): Promise<unknown>;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Native folder picker; resolves to the chosen folder's path, or null when cancelled. */
  chooseFolder(): Promise<string | null>;
  /** Opens the photo in the system's default viewer. */
  openPhoto(id: number): Promise<void>;
  /** Reveals the photo's file in the system file manager. */
  showInFolder(id: number): Promise<void>;
}

/** The IPC channel names shared by the preload script and the main process. */
export const IPC = {
  invoke: 'likeness:invoke',
  event: 'likeness:event',
  chooseFolder: 'likeness:choose-folder',
  openPhoto: 'likeness:open-photo',
  showInFolder: 'likeness:show-in-folder',
} as const;

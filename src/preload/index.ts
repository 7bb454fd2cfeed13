// The sandboxed preload script: exposes window.likeness (see src/shared/bridge.ts) and nothing else.
// It forwards calls over IPC; the main process validates every request.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../shared/api';
import { IPC, type DesktopBridge } from '../shared/bridge';

const bridge: DesktopBridge = {
  invoke: (method, request) => ipcRenderer.invoke(IPC.invoke, method, request),
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on(IPC.event, forward);
    return () => {
      ipcRenderer.removeListener(IPC.event, forward);
    };
  },
  chooseFolder: () => ipcRenderer.invoke(IPC.chooseFolder) as Promise<string | null>,
  openPhoto: (id) => ipcRenderer.invoke(IPC.openPhoto, id) as Promise<void>,
  showInFolder: (id) => ipcRenderer.invoke(IPC.showInFolder, id) as Promise<void>,
};

contextBridge.exposeInMainWorld('likeness', bridge);

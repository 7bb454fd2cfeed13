// The IPC transport: one invoke channel carrying every API method (validated by dispatch with the
// contract's schemas), core events pushed to the window, and the few desktop-only actions.
import { BrowserWindow, dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { PhotoId, type ApiEvent } from '../../shared/api';
import { IPC } from '../../shared/bridge';
import { dispatch } from '../api/dispatch';
import { toApiError } from '../api/errors';
import type { LikenessService } from '../api/service';
import { ipcSenderAllowed } from '../security/electronPolicy';

/** Only our own page may call the API (not some frame that got navigated elsewhere). */
function fromOurPage(event: IpcMainInvokeEvent, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  return ipcSenderAllowed(frame ? { url: frame.url, isTopFrame: frame.parent === null } : null, isAppUrl);
}

export function registerIpc(service: LikenessService, isAppUrl: (url: string) => boolean): () => void {
  ipcMain.handle(IPC.invoke, async (event, method: unknown, request: unknown) => {
    if (!fromOurPage(event, isAppUrl)) throw new Error(JSON.stringify({ code: 'invalid-request', message: 'refused' }));
    const outcome = await dispatch(service, method, request);
    if (outcome.ok) return outcome.result;
    // Electron passes only the message of a rejected invoke: carry the ApiError in it as JSON.
    throw new Error(JSON.stringify(outcome.error));
  });

  ipcMain.handle(IPC.chooseFolder, async (event) => {
    if (!fromOurPage(event, isAppUrl)) return null;
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = { title: 'Add a folder of photos', properties: ['openDirectory' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  const photoFile = (id: unknown): string => {
    try {
      return service.photoFile(PhotoId.parse(id));
    } catch (error) {
      throw new Error(JSON.stringify(toApiError(error)), { cause: error });
    }
  };

  ipcMain.handle(IPC.openPhoto, async (event, id: unknown) => {
    if (!fromOurPage(event, isAppUrl)) return;
    const error = await shell.openPath(photoFile(id));
    if (error) throw new Error(JSON.stringify({ code: 'unavailable', message: error }));
  });

  ipcMain.handle(IPC.showInFolder, async (event, id: unknown) => {
    if (!fromOurPage(event, isAppUrl)) return;
    shell.showItemInFolder(photoFile(id));
  });

  const unsubscribe = service.events.subscribe((event: ApiEvent) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.webContents.send(IPC.event, event);
    }
  });

  return () => {
    unsubscribe();
    for (const channel of [IPC.invoke, IPC.chooseFolder, IPC.openPhoto, IPC.showInFolder]) ipcMain.removeHandler(channel);
  };
}

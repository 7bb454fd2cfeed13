// The main window and the rules every web contents obeys: no navigation away from the app, no new
// windows, no webviews, no permissions (camera, notifications, …). The rules themselves are in
// ../security/electronPolicy.ts (pure, unit-tested against Electron's checklist); this applies them.
import { app, BrowserWindow, session, shell } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  allowNavigation,
  allowPermission,
  allowWebview,
  blockRequest,
  isAppUrl as isAppUrlOf,
  NETWORK_URL_PATTERNS,
  rendererWebPreferences,
  windowOpenAction,
  type AppOrigin,
} from '../security/electronPolicy';

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererIndex = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
/** electron-vite's dev server, in `electron-vite dev` only. */
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

export const appOrigin: AppOrigin = { rendererIndexUrl: pathToFileURL(rendererIndex).href, devServerUrl };

export function isAppUrl(url: string): boolean {
  return isAppUrlOf(url, appOrigin);
}

export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url, appOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url, appOrigin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => {
      if (!allowWebview()) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the web (help pages, say) open in the user's browser, never inside the app.
      const { action, openExternally } = windowOpenAction(url);
      if (openExternally) void shell.openExternal(openExternally);
      return { action };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
  // Nothing in the app loads from the network: refuse any http(s) request a bug might make.
  session.defaultSession.webRequest.onBeforeRequest({ urls: NETWORK_URL_PATTERNS }, (details, callback) => {
    callback({ cancel: blockRequest(details.url, appOrigin) });
  });
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Likeness',
    autoHideMenuBar: false,
    webPreferences: rendererWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

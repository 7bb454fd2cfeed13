// The desktop shell's security policy as plain data and pure functions, so that every item of
// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security) can be
// unit-tested without Electron's binary. src/main/app applies it (window.ts, scheme.ts, ipc.ts);
// this module must not import 'electron'.

/** webPreferences of every window that shows the renderer (checklist 2–4, 6, 8–11). */
export const RENDERER_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const;

export function rendererWebPreferences(preload: string): typeof RENDERER_WEB_PREFERENCES & { preload: string } {
  return { ...RENDERER_WEB_PREFERENCES, preload };
}

/** Where the renderer comes from: the built index.html (a file: URL), or electron-vite's dev server in development. */
export interface AppOrigin {
  rendererIndexUrl: string;
  devServerUrl?: string;
}

/** Our own page: exactly the renderer's index.html (an in-page #route at most), or the dev server's origin. */
export function isAppUrl(url: string, origin: AppOrigin, platform: NodeJS.Platform = process.platform): boolean {
  if (origin.devServerUrl) {
    const dev = new URL(origin.devServerUrl).origin;
    try {
      if (new URL(url).origin === dev) return true;
    } catch {
      return false;
    }
  }
  return sameFileUrl(url, origin.rendererIndexUrl, platform);
}

/**
 * The same file, fragment aside: compared parsed rather than as strings, since Chromium may write
 * a file URL differently (percent-encoding; on Windows the drive letter's case, c: or C:). On
 * Windows paths compare without case, as its file systems do.
 */
export function sameFileUrl(url: string, index: string, platform: NodeJS.Platform = process.platform): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(url);
    b = new URL(index);
  } catch {
    return false;
  }
  if (a.protocol !== 'file:' || b.protocol !== 'file:' || a.search || a.username || a.password || a.host !== b.host) return false;
  try {
    const path = (u: URL) => (platform === 'win32' ? decodeURIComponent(u.pathname).toLowerCase() : decodeURIComponent(u.pathname));
    return path(a) === path(b);
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect (checklist 13): only to our own page. */
export function allowNavigation(url: string, origin: AppOrigin): boolean {
  return isAppUrl(url, origin);
}

/**
 * window.open and target=_blank (checklist 14, 15): never a new window. A plain https link (no
 * credentials in it) is handed to the user's browser; every other scheme (file:, http:, javascript:,
 * smb:, custom handlers…) is dropped, since shell.openExternal on those can run programs.
 */
export function windowOpenAction(url: string): { action: 'deny'; openExternally: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', openExternally: null };
  }
  const safe = parsed.protocol === 'https:' && !parsed.username && !parsed.password && parsed.hostname !== '';
  return { action: 'deny', openExternally: safe ? parsed.href : null };
}

/** <webview> (checklist 11, 12): never attached. */
export function allowWebview(): false {
  return false;
}

/** Session permission requests and checks (checklist 5): the app needs none (camera, notifications, geolocation…). */
export function allowPermission(_permission: string): false {
  return false;
}

/** Network requests (checklist 1): nothing is loaded over the network, except electron-vite's dev server in development. */
export function blockRequest(url: string, origin: AppOrigin): boolean {
  if (origin.devServerUrl) {
    try {
      if (new URL(url).origin === new URL(origin.devServerUrl).origin) return false;
    } catch {
      return true;
    }
  }
  return true;
}

/** The URL patterns blockRequest is asked about. */
export const NETWORK_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'];

/** IPC sender (checklist 17): only the top frame of our own page may call the main process. */
export function ipcSenderAllowed(sender: { url: string; isTopFrame: boolean } | null, isOurPage: (url: string) => boolean): boolean {
  return sender !== null && sender.isTopFrame && isOurPage(sender.url);
}

/** The likeness:// media scheme: standard and secure, but it may not bypass the CSP, serve fetch() or CORS. */
export const MEDIA_SCHEME = 'likeness';
export const MEDIA_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  stream: true,
  supportFetchAPI: false,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
} as const;

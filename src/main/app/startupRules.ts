// Decisions the Electron shell makes at start-up and around its windows, as plain functions (no
// 'electron' import), so that unit tests run them under Node where Electron's binary is missing.

/**
 * Chromium switches for the hidden GPU training window's WebGPU. On Linux WebGPU sits behind
 * enable-unsafe-webgpu and needs Vulkan — but Chromium's Ozone/Wayland backend refuses Vulkan
 * ("'--ozone-platform=wayland' is not compatible with Vulkan") and then never draws a frame, so
 * the app shows no window at all; Electron ≥ 38 runs natively on Wayland where it can. There the
 * switches are left out and the GPU window trains with WebGL 2 instead.
 */
export function gpuSwitches(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, argv: readonly string[]): [string, string?][] {
  if (platform !== 'linux') return [];
  if (runsOnWayland(env, argv)) return [];
  return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
}

/** Will Chromium use its Wayland backend? (Unless told X11, it does in a Wayland session.) */
export function runsOnWayland(env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  const forced = argv.find((a) => a.startsWith('--ozone-platform='))?.split('=')[1];
  if (forced) return forced === 'wayland';
  const hint = argv.find((a) => a.startsWith('--ozone-platform-hint='))?.split('=')[1] ?? env.ELECTRON_OZONE_PLATFORM_HINT;
  if (hint === 'x11') return false;
  return Boolean(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland';
}

/** Ids of open hidden helper windows (the GPU training window adds and removes its own). */
export const helperWindowIds = new Set<number>();

/**
 * The windows the user sees as the app: every window but hidden helpers (the GPU training window).
 * BrowserWindow.getAllWindows() counts the helper too, so "no window left" (reopen from the macOS
 * Dock, quit when the last window closes elsewhere) must be judged on this list.
 */
export function appWindows<W extends { id: number }>(all: readonly W[], helperIds: ReadonlySet<number>): W[] {
  return all.filter((w) => !helperIds.has(w.id));
}

/** After a user window closed: quit when none is left, except on macOS where apps stay open without windows. */
export function quitWhenClosed(platform: NodeJS.Platform, remainingAppWindows: number): boolean {
  return platform !== 'darwin' && remainingAppWindows === 0;
}

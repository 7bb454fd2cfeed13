// Opens a URL in the user's default browser (xdg-open, open, start), or says why it does not:
// in CI or with LIKENESS_NO_BROWSER set, or on a Linux box with no display (a server over SSH).
import { spawn } from 'node:child_process';

/** Why the browser is not to be opened here, or null when it is. */
export function noBrowserReason(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env.LIKENESS_NO_BROWSER) return 'LIKENESS_NO_BROWSER is set';
  if (env.CI) return 'running in CI';
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

/** Resolves to null once the opener started, or to why the browser was not opened. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  const skip = noBrowserReason(process.env, platform);
  if (skip) return Promise.resolve(skip);
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error) => resolve(`${command} failed: ${error.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}

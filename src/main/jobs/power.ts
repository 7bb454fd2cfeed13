// Whether the computer runs on battery, for the CLI's `retrain --if-due` (the desktop app asks
// Electron's powerMonitor instead). Unknown means "not on battery": desktops have no battery.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function linuxOnBattery(): Promise<boolean> {
  const root = '/sys/class/power_supply';
  const supplies = await readdir(root).catch(() => [] as string[]);
  let hasBattery = false;
  for (const name of supplies) {
    const read = (file: string) =>
      readFile(join(root, name, file), 'utf8').then(
        (s) => s.trim(),
        () => '',
      );
    const type = await read('type');
    if (type === 'Mains' || type === 'USB') {
      if ((await read('online')) === '1') return false;
    } else if (type === 'Battery') hasBattery = true;
  }
  return hasBattery;
}

function macOnBattery(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('pmset', ['-g', 'batt'], (error, stdout) => resolve(!error && /Battery Power/.test(stdout)));
  });
}

export async function onBatteryPower(platform = process.platform): Promise<boolean> {
  if (platform === 'linux') return linuxOnBattery();
  if (platform === 'darwin') return macOnBattery();
  return false;
}

// The Electron main process: single instance, hardened window, likeness:// media protocol, IPC
// transport to the same LikenessService that `likeness serve` uses, native menus.
import { app, BrowserWindow, dialog, Notification, powerMonitor, shell } from 'electron';
import { registerSchemePrivileges } from './scheme';
import { appWindows, gpuSwitches, helperWindowIds, quitWhenClosed } from './startupRules';

// better-sqlite3's Electron build: every connection passes LIKENESS_ELECTRON_SQLITE as nativeBinding (store/db.ts).
registerSchemePrivileges();
// Chromium's WebGPU for the hidden GPU training window (gpuTrainerWindow.ts); switches must precede
// 'ready'. On Linux WebGPU is behind a flag and needs Vulkan; Chromium's GPU blocklist still applies.
// Not on Wayland, where Vulkan leaves no window at all (startupRules.ts): WebGL 2 there.
for (const [name, value] of gpuSwitches(process.platform, process.env, process.argv)) app.commandLine.appendSwitch(name, value);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Likeness is running: it gets focus (second-instance below) and we leave.
  app.quit();
} else {
  // A start that fails must not leave a windowless process holding the single-instance lock.
  start().catch((error: Error) => {
    dialog.showErrorBox('Likeness could not start', error.stack ?? error.message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const [{ closeCore, openCore }, { startLikeness }, { handleMediaProtocol }, { registerIpc }, { installMenu }, windows, { registerGpuTrainer }] =
    await Promise.all([
      import('../core'),
      import('../api/startup'),
      import('./protocol'),
      import('./ipc'),
      import('./menu'),
      import('./window'),
      import('./gpuTrainerWindow'),
    ]);
  await app.whenReady();

  let core;
  try {
    core = openCore();
  } catch (error) {
    dialog.showErrorBox('Likeness cannot open its library', (error as Error).message);
    app.exit(1);
    return;
  }
  windows.hardenWebContents();
  // Before any job starts: training may use the GPU window.
  registerGpuTrainer();
  handleMediaProtocol(core);
  // The same start as `likeness serve` (api/startup.ts): job queue, watcher, resumed jobs, catch-up
  // scan, the first model and overnight retraining — here with idle time and power state from the OS.
  const likeness = await startLikeness(core, {
    probe: { idleSeconds: () => powerMonitor.getSystemIdleTime(), onBattery: () => powerMonitor.isOnBatteryPower() },
    // Duplicates resolved in the app go to the system trash through Electron (undo finds them there).
    trash: (path) => shell.trashItem(path),
  });
  const service = likeness.service;
  const unregister = registerIpc(service, windows.isAppUrl);
  installMenu(service, (message) => dialog.showErrorBox('Likeness', message));
  // A finished retrain says what it did in one line, as a system notification.
  service.jobs.onChange((job) => {
    if (job.kind === 'train' && job.state === 'done' && Notification.isSupported()) new Notification({ title: 'Likeness', body: job.message }).show();
  });

  // The hidden GPU training window counts in getAllWindows(): judge "no window left" without it.
  const userWindows = () => appWindows(BrowserWindow.getAllWindows(), helperWindowIds);
  const openMain = () => {
    const window = windows.createMainWindow();
    window.on('closed', () => {
      if (quitWhenClosed(process.platform, userWindows().length)) app.quit();
    });
    return window;
  };
  let main = openMain();
  app.on('second-instance', () => {
    if (main.isDestroyed()) main = openMain();
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('activate', () => {
    if (userWindows().length === 0) main = openMain();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Stop the running job cleanly, then close the database.
    event.preventDefault();
    quitting = true;
    // The running job stops at its next check and stays recorded as unfinished: it resumes next time.
    void likeness.stop().then(() => {
      unregister();
      closeCore(core);
      app.quit();
    });
  });
}

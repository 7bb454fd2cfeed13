// The Electron main process: single instance, hardened window, likeness:// media protocol, IPC
// transport to the same LikenessService that `likeness serve` uses, native menus.
import { app, BrowserWindow, dialog, Notification, powerMonitor, shell } from 'electron';
import { useElectronSqliteBuild } from './nativeSqlite';
import { registerSchemePrivileges } from './scheme';

// Before better-sqlite3 is first imported (the core is loaded dynamically below).
useElectronSqliteBuild();
registerSchemePrivileges();
// Chromium's WebGPU for the hidden GPU training window (gpuTrainerWindow.ts); switches must precede
// 'ready'. On Linux WebGPU is behind a flag and needs Vulkan; Chromium's GPU blocklist still applies.
if (process.platform === 'linux') {
  app.commandLine.appendSwitch('enable-unsafe-webgpu');
  app.commandLine.appendSwitch('enable-features', 'Vulkan');
}
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Likeness is running: it gets focus (second-instance below) and we leave.
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  const [{ closeCore, openCore }, { LikenessService }, { JobRunner }, { SqliteJobStore }, { JobRequestPoller }, { RetrainScheduler }, { handleMediaProtocol }, { registerIpc }, { installMenu }, windows, { registerGpuTrainer }, { computeLeaseGate }] = await Promise.all([
    import('../core'),
    import('../api/service'),
    import('../jobs/runner'),
    import('../jobs/sqliteJobStore'),
    import('../jobs/jobControl'),
    import('../api/retrainScheduler'),
    import('./protocol'),
    import('./ipc'),
    import('./menu'),
    import('./window'),
    import('./gpuTrainerWindow'),
    import('../jobs/computeLease'),
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
  // Jobs are recorded in the library: what a previous run left unfinished starts again below.
  const jobStore = new SqliteJobStore(core.db);
  const interrupted = jobStore.takeInterrupted();
  // Duplicates resolved in the app go to the system trash through Electron (undo finds them there).
  const service = new LikenessService(core, new JobRunner(jobStore, computeLeaseGate(core.db)), (path) => shell.trashItem(path));
  // `likeness jobs cancel|pause|resume` from a terminal reaches the app through the library, and so
  // does the heavy work of `likeness clusters|duplicates|index|embed|retrain`, queued here in turn.
  const requests = new JobRequestPoller(core.db, service.jobs, 1000, (job, params) => service.submittedWork(job, params));
  requests.start();
  windows.hardenWebContents();
  registerGpuTrainer();
  handleMediaProtocol(core);
  const unregister = registerIpc(service, windows.isAppUrl);
  installMenu(service, (message) => dialog.showErrorBox('Likeness', message));
  // Overnight retraining while the app is open: idle time and power state from the OS.
  const retrainer = new RetrainScheduler(service, {
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    onBattery: () => powerMonitor.isOnBatteryPower(),
  });
  retrainer.start();
  service.startWatching().catch((error: Error) => console.error('likeness: cannot watch the library folders:', error.message));
  service.resumeInterrupted(interrupted);
  service.recoverTrash().catch((error: Error) => console.error('likeness: cannot settle an interrupted resolve:', error.message));
  service.catchUp();
  // A finished retrain says what it did in one line, as a system notification.
  service.jobs.onChange((job) => {
    if (job.kind === 'train' && job.state === 'done' && Notification.isSupported()) new Notification({ title: 'Likeness', body: job.message }).show();
  });

  let main = windows.createMainWindow();
  app.on('second-instance', () => {
    if (main.isDestroyed()) main = windows.createMainWindow();
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) main = windows.createMainWindow();
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
    retrainer.stop();
    requests.stop();
    // The running job stops at its next check and stays recorded as unfinished: it resumes next time.
    void Promise.all([service.stopWatching(), service.jobs.shutdown()]).then(() => {
      unregister();
      closeCore(core);
      app.quit();
    });
  });
}

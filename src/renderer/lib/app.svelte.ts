// Application-wide state shared by the screens: library status, folders, jobs (kept current by
// events), the screen shown, and a counter that bumps whenever the library changes.
import type { ApiEvent, Folder, Job, LibraryStatus, LossPoint } from '../../shared/api';
import { api, ApiCallError, transport } from './client';

export type Screen = 'library' | 'clusters' | 'duplicates' | 'training' | 'problems';

class AppState {
  screen = $state<Screen>('library');
  status = $state<LibraryStatus | null>(null);
  folders = $state<Folder[]>([]);
  jobs = $state<Job[]>([]);
  /** Bumped on every 'library-changed' event: views that show library data reload. */
  libraryVersion = $state(0);
  /** Live loss points of the model being trained, by model id. */
  liveLoss = $state<{ modelId: number; points: LossPoint[] } | null>(null);
  error = $state<string | null>(null);
  loaded = $state(false);
  /** The library grid's sort and folder filter (a library folder, or a directory below one), kept while another screen is shown. */
  libraryView = $state<{ sort: 'taken' | 'added' | 'name'; order: 'asc' | 'desc'; folderId: number | 'all'; under: string | null }>({
    sort: 'taken',
    order: 'desc',
    folderId: 'all',
    under: null,
  });

  readonly desktop = transport.desktop;

  /** The job running now, else the first queued or paused one. */
  currentJob = $derived(this.jobs.find((j) => j.state === 'running') ?? this.jobs.find((j) => j.state === 'queued' || j.state === 'paused') ?? null);

  async start(): Promise<void> {
    transport.onEvent((event) => this.onEvent(event));
    await this.refresh();
    this.loaded = true;
  }

  async refresh(): Promise<void> {
    try {
      const [status, folders, jobs] = await Promise.all([api.status({}), api.listFolders({}), api.listJobs({})]);
      this.status = status;
      this.folders = folders;
      // Events keep jobs current; this catches up after a reconnect (events missed meanwhile).
      this.jobs = jobs;
    } catch (error) {
      this.report(error);
    }
  }

  report(error: unknown): void {
    this.error = error instanceof ApiCallError || error instanceof Error ? error.message : String(error);
  }

  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  private onEvent(event: ApiEvent): void {
    if (event.type === 'job') {
      const at = this.jobs.findIndex((j) => j.id === event.job.id);
      if (at >= 0) this.jobs[at] = event.job;
      else this.jobs = [event.job, ...this.jobs];
      if (event.job.state === 'done' || event.job.state === 'failed') this.scheduleRefresh();
    } else if (event.type === 'library-changed') {
      this.libraryVersion++;
      this.scheduleRefresh();
    } else if (event.type === 'loss') {
      const live = this.liveLoss && this.liveLoss.modelId === event.modelId ? this.liveLoss : { modelId: event.modelId, points: [] };
      live.points.push(event.point);
      this.liveLoss = { modelId: live.modelId, points: live.points };
    }
  }

  /** Coalesces bursts of events into one status refresh. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, 200);
  }
}

export const app = new AppState();

export const JOB_LABELS: Record<Job['kind'], string> = {
  scan: 'Indexing',
  train: 'Training',
  embed: 'Embedding',
  cluster: 'Clustering',
  duplicates: 'Finding duplicates',
};

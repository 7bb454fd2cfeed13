// Photos for a grid, loaded a page at a time as rows scroll into view, so the library can hold
// 100k photos while the page only ever fetches and renders what is visible.
import type { ParsedRequest, PhotoSummary } from '../../shared/api';
import { api } from './client';

export interface PhotoSource {
  readonly total: number;
  get(index: number): PhotoSummary | undefined;
  /** Makes sure the photos in [from, to) are (being) loaded; each `viewer` (grid, full-size view) keeps its own range. */
  ensure(from: number, to: number, viewer?: string): void;
  indexOf(id: number): number;
}

const PAGE = 200;

export class LibraryPhotos implements PhotoSource {
  total = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  private pages = $state.raw<Record<number, PhotoSummary[]>>({});
  private pending = new Set<number>();
  /** Pages shown but out of date: refetched when next visible, without flashing placeholders. */
  private stale = new Set<number>();
  private generation = 0;

  constructor(private readonly query: () => Omit<ParsedRequest<'listPhotos'>, 'offset' | 'limit'>) {}

  /** Drops what was loaded (new sort/filter, or the library changed) and starts again. */
  reset(keepVisible = false): void {
    this.generation++;
    this.pending.clear();
    if (keepVisible) this.stale = new Set(Object.keys(this.pages).map(Number));
    else {
      this.stale.clear();
      this.pages = {};
    }
    void this.loadPage(0);
  }

  get(index: number): PhotoSummary | undefined {
    return this.pages[Math.floor(index / PAGE)]?.[index % PAGE];
  }

  indexOf(id: number): number {
    for (const [page, photos] of Object.entries(this.pages)) {
      const at = photos.findIndex((p) => p.id === id);
      if (at >= 0) return Number(page) * PAGE + at;
    }
    return -1;
  }

  private wanted = new Map<string, [number, number]>();
  private ensureTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Loads the pages covering [from, to) once scrolling pauses for a moment: dragging the scrollbar
   * across 100k photos must not queue a request for every page flown over.
   */
  ensure(from: number, to: number, viewer = 'grid'): void {
    this.wanted.set(viewer, [from, to]);
    if (this.ensureTimer) clearTimeout(this.ensureTimer);
    this.ensureTimer = setTimeout(() => {
      this.ensureTimer = null;
      for (const [start, end] of this.wanted.values()) {
        const last = Math.min(end, this.total) - 1;
        for (let page = Math.floor(Math.max(0, start) / PAGE); page <= Math.floor(last / PAGE); page++) {
          if ((!this.pages[page] || this.stale.has(page)) && !this.pending.has(page)) void this.loadPage(page);
        }
      }
    }, 40);
  }

  private async loadPage(page: number): Promise<void> {
    const generation = this.generation;
    this.pending.add(page);
    try {
      const result = await api.listPhotos({ ...this.query(), offset: page * PAGE, limit: PAGE });
      if (generation !== this.generation) return;
      this.total = result.total;
      this.stale.delete(page);
      this.pages = { ...this.pages, [page]: result.photos };
      this.error = null;
    } catch (error) {
      if (generation === this.generation) this.error = (error as Error).message;
    } finally {
      if (generation === this.generation) {
        this.pending.delete(page);
        this.loaded = true;
      }
    }
  }
}

/** A fixed list (a cluster's photos, say) behind the same interface. */
export class ListPhotos implements PhotoSource {
  constructor(private readonly photos: PhotoSummary[]) {}
  get total(): number {
    return this.photos.length;
  }
  get(index: number): PhotoSummary | undefined {
    return this.photos[index];
  }
  ensure(): void {}
  indexOf(id: number): number {
    return this.photos.findIndex((p) => p.id === id);
  }
}

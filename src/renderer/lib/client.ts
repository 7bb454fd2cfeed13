// The renderer's one way to the core: the typed LikenessApi over whichever transport is present —
// Electron IPC (window.likeness from the preload script) or `likeness serve` (HTTP + WebSocket).
import type { ApiError, ApiEvent, ApiMethod, ApiResponses, LikenessApi } from '../../shared/api';
import type { DesktopBridge } from '../../shared/bridge';

declare global {
  interface Window {
    likeness?: DesktopBridge;
  }
}

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

export interface Transport {
  kind: 'desktop' | 'browser';
  call(method: ApiMethod, request: unknown): Promise<unknown>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  thumbUrl(id: number): string;
  photoUrl(id: number): string;
  desktop: DesktopBridge | null;
}

function desktopTransport(bridge: DesktopBridge): Transport {
  return {
    kind: 'desktop',
    async call(method, request) {
      try {
        return await bridge.invoke(method, request);
      } catch (error) {
        throw new ApiCallError(parseIpcError(error));
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
    thumbUrl: (id) => `likeness://thumb/${id}`,
    photoUrl: (id) => `likeness://photo/${id}`,
    desktop: bridge,
  };
}

function parseIpcError(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error);
  // Electron prefixes rejected invoke errors with "Error invoking remote method '…': Error: ".
  const json = message.slice(message.indexOf('{'));
  try {
    const parsed = JSON.parse(json) as ApiError;
    if (parsed && typeof parsed.code === 'string') return parsed;
  } catch {
    // not ours
  }
  return { code: 'internal', message };
}

function browserTransport(): Transport {
  const listeners = new Set<(event: ApiEvent) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  const connect = () => {
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${protocol}//${location.host}/events`);
    socket.onopen = () => {
      retryMs = 500;
      // Whatever happened while we were disconnected: let the app refresh.
      for (const l of listeners) l({ type: 'library-changed' });
    };
    socket.onmessage = (message) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(String(message.data)) as ApiEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    };
    socket.onclose = () => {
      socket = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  connect();
  return {
    kind: 'browser',
    async call(method, request) {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
      } catch (error) {
        throw new ApiCallError({ code: 'unavailable', message: `Likeness is not reachable (${(error as Error).message})` });
      }
      const body = (await response.json().catch(() => null)) as { result?: unknown; error?: ApiError } | null;
      if (!response.ok || !body || body.error) {
        throw new ApiCallError(body?.error ?? { code: 'internal', message: `HTTP ${response.status}` });
      }
      return body.result;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    thumbUrl: (id) => `/thumb/${id}`,
    photoUrl: (id) => `/photo/${id}`,
    desktop: null,
  };
}

export const transport: Transport = window.likeness ? desktopTransport(window.likeness) : browserTransport();

/** The typed API: `api.listPhotos({ limit: 100 })`. */
export const api = new Proxy({} as LikenessApi, {
  get: (_target, method: string) => (request: unknown) => transport.call(method as ApiMethod, request ?? {}),
}) as LikenessApi;

export type { ApiResponses };

// A tiny fan-out for ApiEvents: the service publishes, each transport subscribes.
import type { ApiEvent } from '../../shared/api';

export type EventListener = (event: ApiEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(event: ApiEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('likeness event listener failed:', error);
      }
    }
  }
}

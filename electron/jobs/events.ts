import type { ApiEventName, ApiEvents } from '../../shared/api/index.ts';

export type EventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/** Fan-out of main-process events to every connected client (IPC windows, HTTP event streams, tests). */
export class EventBus {
  private listeners = new Set<EventListener>();
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners) l(event, payload);
  }
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

// Keeps the client's read model in step with the server: a snapshot first, then domain event
// pushes applied in sequence order. After a reconnect (or any gap) it catches up with
// `orchestration.replayEvents` from the last sequence it applied, so no event is lost; when
// the gap is large, or an event needs the server's judgement, it takes a fresh snapshot.

import { EARLY_SNAPSHOT_ID } from "./early";
import { applyEvent, NeedsSnapshot } from "./model";
import type { DomainEvent, Push, ReadModel } from "./protocol";
import { DOMAIN_EVENT_CHANNEL } from "./protocol";
import type { Transport } from "./transport";

/** Replay pages beyond this many mean a snapshot is cheaper. */
const MAX_REPLAY_PAGES = 20;

export class Sync {
  model: ReadModel | null = null;
  private catchingUp = false;
  private again = false;
  /** Pushes that arrived during a catch-up, applied (in order, once) after it. */
  private buffered: DomainEvent[] = [];
  private listeners = new Set<(model: ReadModel) => void>();
  private errorListeners = new Set<(message: string) => void>();

  constructor(private readonly transport: Transport) {
    transport.onPush((push) => this.onPush(push));
    transport.onOpen(() => void this.catchUp());
  }

  get lastSequence(): number {
    return this.model?.snapshotSequence ?? 0;
  }

  subscribe(listener: (model: ReadModel) => void): () => void {
    this.listeners.add(listener);
    if (this.model) listener(this.model);
    return () => this.listeners.delete(listener);
  }

  onError(listener: (message: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  private emit(): void {
    if (!this.model) return;
    for (const listener of this.listeners) listener(this.model);
  }

  private onPush(push: Push): void {
    if (push.channel !== DOMAIN_EVENT_CHANNEL) return;
    const event = push.data as DomainEvent;
    if (this.catchingUp || !this.model) {
      this.buffered.push(event);
      return;
    }
    if (event.sequence <= this.lastSequence) return; // already applied
    if (event.sequence !== this.lastSequence + 1) {
      void this.catchUp(); // a gap: fetch what is missing, in order
      return;
    }
    this.apply([event]);
  }

  private apply(events: DomainEvent[]): boolean {
    let model = this.model;
    if (!model) return false;
    try {
      for (const event of events) {
        if (event.sequence <= model.snapshotSequence) continue;
        model = applyEvent(model, event);
      }
    } catch (error) {
      if (error instanceof NeedsSnapshot) {
        this.model = null;
        void this.catchUp();
        return false;
      }
      throw error;
    }
    this.model = model;
    this.emit();
    return true;
  }

  /** Brings the model up to date; safe to call at any time (calls during one are merged). */
  async catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return;
    }
    this.catchingUp = true;
    for (;;) {
      this.again = false;
      try {
        await this.catchUpOnce();
      } catch (error) {
        // A failure that a newer connection has already superseded is not worth reporting.
        if (!this.again) {
          for (const listener of this.errorListeners) listener(String((error as Error).message ?? error));
          break;
        }
      }
      if (!this.again) break;
    }
    this.catchingUp = false;
    this.drainBuffered();
  }

  private drainBuffered(): void {
    const events = this.buffered.splice(0).sort((a, b) => a.sequence - b.sequence);
    const fresh = events.filter((e) => e.sequence > this.lastSequence);
    if (fresh.length === 0 || !this.model) return;
    if (fresh[0].sequence !== this.lastSequence + 1) {
      void this.catchUp();
      return;
    }
    // Consecutive ones apply now; anything after a hole is fetched.
    let end = 1;
    while (end < fresh.length && fresh[end].sequence === fresh[end - 1].sequence + 1) end++;
    this.apply(fresh.slice(0, end));
    if (end < fresh.length) void this.catchUp();
  }

  private async catchUpOnce(): Promise<void> {
    if (this.model) {
      for (let page = 0; page < MAX_REPLAY_PAGES; page++) {
        const events = await this.transport.request<DomainEvent[]>({
          _tag: "orchestration.replayEvents",
          fromSequenceExclusive: this.lastSequence,
        });
        if (events.length === 0) return;
        if (!this.apply(events)) break;
      }
    }
    // The page's first snapshot may have been asked for before the app loaded (see early.ts).
    const early = this.transport.claim<ReadModel>(EARLY_SNAPSHOT_ID);
    this.model = await (early ?? this.transport.request<ReadModel>({ _tag: "orchestration.getSnapshot" }));
    // For `make bench`: how much of a first render is waiting for the snapshot.
    performance.mark("t3rs:snapshot");
    this.emit();
  }
}

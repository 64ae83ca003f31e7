// Keeps the client's read model in step with the server through DP Code's subscriptions: the
// shell (projects and thread summaries) always, and the history of the one open thread (its
// newest 100 messages, older pages on request). Each (re)connection subscribes afresh and takes
// the snapshot items as they are, so nothing is replayed and nothing is missed; a window
// already paged in is kept where it joins the fresh one.

import { EARLY_SHELL_ID, earlyThreadId } from "./early";
import { applyEvent, NeedsSnapshot } from "./model";
import type { HistoryPage, Project, Push, ReadModel, ShellItem, ShellSnapshot, Thread, ThreadItem, ThreadSnapshot } from "./protocol";
import { SHELL_EVENT_CHANNEL, THREAD_EVENT_CHANNEL } from "./protocol";
import { mergeWindow, prependPage } from "./threadWindow";
import type { Transport } from "./transport";

/** Messages in the first window and in each older page. */
export const PAGE = 100;

interface OpenThread {
  id: string;
  full: Thread | null;
  /** The last event sequence applied to `full`. */
  sequence: number;
  cursor: string | null;
  loadingOlder: boolean;
  /** Bumped by each snapshot: an older page asked for before it is not used. */
  generation: number;
  /** The subscribe failed (e.g. the thread is not in the shell yet): retried when it is. */
  failed: boolean;
}

function newOpenThread(id: string): OpenThread {
  return { id, full: null, sequence: 0, cursor: null, loadingOlder: false, generation: 0, failed: false };
}

export class Sync {
  model: ReadModel | null = null;
  private shell: { sequence: number; projects: Project[]; threads: Thread[]; updatedAt: string } | null = null;
  /** Sequence of each thread's last shell item: whose fields are newer, the summary's or the history's. */
  private shellSeq = new Map<string, number>();
  private thread: OpenThread | null = null;
  private connected = false;
  private connection = 0;
  private listeners = new Set<(model: ReadModel) => void>();
  private errorListeners = new Set<(message: string) => void>();

  constructor(private readonly transport: Transport) {
    transport.onPush((push) => this.onPush(push));
    transport.onOpen(() => this.onConnected());
    transport.onState((state) => {
      if (state !== "open") this.connected = false;
    });
  }

  get lastSequence(): number {
    return this.shell?.sequence ?? 0;
  }

  get openThreadId(): string | null {
    return this.thread?.id ?? null;
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

  /** Which thread's history to hold: the old one is unsubscribed, the new one subscribed. */
  open(threadId: string | null): void {
    if ((this.thread?.id ?? null) === threadId) return;
    const old = this.thread;
    this.thread = threadId ? newOpenThread(threadId) : null;
    if (old && this.connected) {
      this.transport.request({ _tag: "orchestration.unsubscribeThread", threadId: old.id }).catch(() => {});
    }
    if (this.thread && this.connected) void this.subscribeThread(this.thread, this.connection);
    this.emit();
  }

  hasOlder(threadId: string): boolean {
    return this.thread?.id === threadId && this.thread.full !== null && this.thread.cursor !== null;
  }

  /** Pages in the open thread's next older messages (one page at a time). */
  async loadOlder(threadId: string): Promise<void> {
    const open = this.thread;
    if (!open || open.id !== threadId || !open.full || !open.cursor || open.loadingOlder) return;
    const generation = open.generation;
    open.loadingOlder = true;
    this.emit();
    let page: HistoryPage;
    try {
      page = await this.transport.request<HistoryPage>({
        _tag: "orchestration.getThreadHistory", threadId, before: open.cursor, limit: PAGE,
      });
    } catch (error) {
      if (this.thread === open && open.generation === generation) {
        open.loadingOlder = false;
        this.emit();
        this.fail(`older messages could not be loaded: ${(error as Error).message}`);
      }
      return;
    }
    if (this.thread !== open || open.generation !== generation || !open.full) return;
    open.full = prependPage(open.full, page);
    open.cursor = page.historyCursor ?? null;
    open.loadingOlder = false;
    this.emit();
  }

  private fail(message: string): void {
    for (const listener of this.errorListeners) listener(message);
  }

  private onConnected(): void {
    this.connected = true;
    const connection = ++this.connection;
    // The page's first shell subscription may have been sent before the app loaded (early.ts).
    const early = this.transport.claim<ShellItem>(EARLY_SHELL_ID);
    const shell = early ?? this.transport.request<ShellItem>({ _tag: "orchestration.subscribeShell", includeArchived: true });
    shell.then(
      (item) => {
        if (connection !== this.connection || item.kind !== "snapshot") return;
        this.takeShell(item.snapshot);
        // For `make bench`: how much of a first render is waiting for the shell.
        markOnce("t3rs:snapshot");
      },
      (error: Error) => connection === this.connection && this.fail(error.message),
    );
    // The thread the early socket subscribed to (the address's, or the welcome's bootstrap
    // thread) is the one the app is about to open: taken now, its page is in the model by the
    // app's first render instead of after it.
    const earlyThread = this.thread ? null : this.transport.earlyThread();
    if (earlyThread) this.thread = newOpenThread(earlyThread);
    if (this.thread) void this.subscribeThread(this.thread, connection);
  }

  private async subscribeThread(open: OpenThread, connection: number): Promise<void> {
    open.failed = false;
    try {
      const early = this.transport.claim<ThreadItem>(earlyThreadId(open.id));
      const item = await (early ??
        this.transport.request<ThreadItem>({ _tag: "orchestration.subscribeThread", threadId: open.id, limit: PAGE }));
      if (this.thread !== open || connection !== this.connection) return;
      if (item.kind === "snapshot") this.takeThread(open, item.snapshot);
    } catch (error) {
      if (this.thread !== open || connection !== this.connection) return;
      open.failed = true;
      // A thread the shell does not list yet is retried when it does; others are reported.
      if (this.shell?.threads.some((t) => t.id === open.id)) this.fail((error as Error).message);
    }
  }

  private takeShell(snapshot: ShellSnapshot): void {
    this.shell = {
      sequence: snapshot.snapshotSequence,
      projects: snapshot.projects.map((p) => ({ ...p, deletedAt: p.deletedAt ?? null })),
      threads: snapshot.threads.map(summary),
      updatedAt: snapshot.updatedAt,
    };
    this.shellSeq.clear();
    for (const t of snapshot.threads) this.shellSeq.set(t.id, snapshot.snapshotSequence);
    this.emit();
  }

  private takeThread(open: OpenThread, snapshot: ThreadSnapshot): void {
    const fresh = { ...summary(snapshot.thread), ...snapshot.thread };
    const cursor = snapshot.historyCursor ?? null;
    const merged = open.full && cursor !== null ? mergeWindow(open.full, fresh) : null;
    // Joined to what was paged in: that part's cursor still leads to the older rest.
    open.cursor = merged ? open.cursor : cursor;
    open.full = merged ?? fresh;
    open.sequence = snapshot.snapshotSequence;
    open.generation += 1;
    open.loadingOlder = false;
    this.emit();
    // For `make bench`: when the open thread's first page is in the model.
    markOnce("t3rs:thread");
  }

  private onPush(push: Push): void {
    if (push.channel === SHELL_EVENT_CHANNEL) this.onShellItem(push.data as ShellItem);
    else if (push.channel === THREAD_EVENT_CHANNEL) this.onThreadItem(push.data as ThreadItem);
  }

  private onShellItem(item: ShellItem): void {
    if (item.kind === "snapshot") return this.takeShell(item.snapshot);
    const shell = this.shell;
    if (!shell || item.sequence <= shell.sequence) return;
    shell.sequence = item.sequence;
    switch (item.kind) {
      case "project-upserted":
        shell.projects = upsert(shell.projects, { ...item.project, deletedAt: item.project.deletedAt ?? null });
        break;
      case "project-removed":
        shell.projects = shell.projects.filter((p) => p.id !== item.projectId);
        break;
      case "thread-upserted": {
        shell.threads = upsert(shell.threads, summary(item.thread));
        this.shellSeq.set(item.thread.id, item.sequence);
        const open = this.thread;
        if (open?.id === item.thread.id && open.failed && this.connected) void this.subscribeThread(open, this.connection);
        break;
      }
      case "thread-removed":
        shell.threads = shell.threads.filter((t) => t.id !== item.threadId);
        this.shellSeq.delete(item.threadId);
        break;
    }
    this.emit();
  }

  private onThreadItem(item: ThreadItem): void {
    const open = this.thread;
    if (!open) return;
    if (item.kind === "snapshot") {
      if (item.snapshot.thread.id === open.id) this.takeThread(open, item.snapshot);
      return;
    }
    const event = item.event;
    if (!open.full || event.payload?.threadId !== open.id || event.sequence <= open.sequence) return;
    try {
      const model = applyEvent({ snapshotSequence: open.sequence, projects: [], threads: [open.full], updatedAt: "" }, event);
      open.full = model.threads[0] ?? open.full;
      open.sequence = event.sequence;
    } catch (error) {
      if (!(error instanceof NeedsSnapshot)) throw error;
      // The server's word on what a revert left: a fresh window, joined to what is paged in.
      if (this.connected) void this.subscribeThread(open, this.connection);
      return;
    }
    this.emit();
  }

  private compose(): ReadModel | null {
    const shell = this.shell;
    if (!shell) return null;
    const open = this.thread;
    const threads = open
      ? shell.threads.map((t) => (t.id === open.id ? this.openView(t, open) : t))
      : shell.threads;
    return { snapshotSequence: shell.sequence, projects: shell.projects, threads, updatedAt: shell.updatedAt };
  }

  private openView(summaryRow: Thread, open: OpenThread): Thread {
    const flags = { loaded: open.full !== null, hasOlder: open.full !== null && open.cursor !== null, loadingOlder: open.loadingOlder };
    if (!open.full) return { ...summaryRow, ...flags };
    const full = open.full;
    const lists = { messages: full.messages, activities: full.activities, proposedPlans: full.proposedPlans, checkpoints: full.checkpoints };
    // Both follow every event of the thread; the one that saw the later event is the fresher.
    const summaryNewer = (this.shellSeq.get(open.id) ?? 0) >= open.sequence;
    return summaryNewer ? { ...full, ...summaryRow, ...lists, ...flags } : { ...summaryRow, ...full, ...flags };
  }

  private emit(): void {
    this.model = this.compose();
    if (!this.model) return;
    for (const listener of this.listeners) listener(this.model);
  }
}

/** A performance mark for the page's first occurrence only: the browser keeps every mark until
 * it is cleared, so one per thread opened would grow for as long as the page is open. */
const marked = new Set<string>();
function markOnce(name: string): void {
  if (marked.has(name) || typeof performance === "undefined") return;
  marked.add(name);
  performance.mark(name);
}

/** A shell row as a thread with empty lists, so views can treat every thread alike. */
function summary(row: Thread): Thread {
  return { ...row, deletedAt: row.deletedAt ?? null, messages: [], activities: [], proposedPlans: [], checkpoints: [] };
}

function upsert<T extends { id: string }>(list: T[], row: T): T[] {
  const at = list.findIndex((x) => x.id === row.id);
  if (at < 0) return list.concat(row);
  const next = list.slice();
  next[at] = row;
  return next;
}

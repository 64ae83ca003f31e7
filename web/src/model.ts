// The client's copy of the read model: a snapshot, then domain events applied in sequence
// order, as the server's projector does. Updates are immutable so React sees what changed;
// only the touched thread and list are copied.

import type { Activity, DomainEvent, Message, ProposedPlan, ReadModel, Thread } from "./protocol";
import { providerLabel } from "./providers";

/** An event the client cannot apply by itself (it asks for a fresh snapshot instead). */
export class NeedsSnapshot extends Error {}

const MAX_MESSAGES = 2000;
const MAX_ACTIVITIES = 500;

function updateThread(model: ReadModel, id: string, change: (t: Thread) => Thread): ReadModel {
  const index = model.threads.findIndex((t) => t.id === id);
  if (index < 0) return model;
  const threads = model.threads.slice();
  threads[index] = change(threads[index]);
  return { ...model, threads };
}

function applyMessage(thread: Thread, p: any): Thread {
  const messages = thread.messages;
  // Deltas land on the newest message: search from the end.
  let index = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].id === p.messageId) {
      index = i;
      break;
    }
  }
  let next: Message[];
  if (index >= 0) {
    const existing = messages[index];
    const text = p.streaming ? existing.text + p.text : p.text ? p.text : existing.text;
    next = messages.slice();
    next[index] = {
      ...existing,
      text,
      streaming: p.streaming,
      updatedAt: p.updatedAt,
      turnId: p.turnId ?? null,
      attachments: p.attachments ?? existing.attachments,
      answeredBy: existing.answeredBy ?? p.answeredBy,
    };
  } else {
    next = messages.concat({
      id: p.messageId,
      role: p.role,
      text: p.text,
      attachments: p.attachments ?? undefined,
      turnId: p.turnId ?? null,
      streaming: p.streaming,
      ...(p.answeredBy ? { answeredBy: p.answeredBy } : {}),
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    });
    if (next.length > MAX_MESSAGES) next = next.slice(next.length - MAX_MESSAGES);
  }
  return { ...thread, messages: next };
}

function checkpointState(status: string): "completed" | "interrupted" | "error" {
  return status === "error" ? "error" : status === "missing" ? "interrupted" : "completed";
}

export function applyEvent(model: ReadModel, event: DomainEvent): ReadModel {
  const p = event.payload;
  const at = event.occurredAt;
  const base = { ...model, snapshotSequence: event.sequence, updatedAt: at };
  switch (event.type) {
    case "project.created": {
      const project = {
        id: p.projectId,
        title: p.title,
        workspaceRoot: p.workspaceRoot,
        defaultModel: p.defaultModel ?? null,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        deletedAt: null,
      };
      const others = base.projects.filter((x) => x.id !== p.projectId);
      return { ...base, projects: others.concat(project) };
    }
    case "project.meta-updated":
      return {
        ...base,
        projects: base.projects.map((x) =>
          x.id !== p.projectId
            ? x
            : {
                ...x,
                title: p.title ?? x.title,
                workspaceRoot: p.workspaceRoot ?? x.workspaceRoot,
                defaultModel: p.defaultModel !== undefined ? p.defaultModel : x.defaultModel,
                updatedAt: p.updatedAt,
              },
        ),
      };
    case "project.deleted":
      return {
        ...base,
        projects: base.projects.map((x) =>
          x.id === p.projectId ? { ...x, deletedAt: p.deletedAt, updatedAt: p.deletedAt } : x,
        ),
      };
    case "thread.created": {
      const thread: Thread = {
        id: p.threadId,
        projectId: p.projectId,
        title: p.title,
        model: p.model,
        modelSelection: p.modelSelection ?? null,
        runtimeMode: p.runtimeMode ?? "full-access",
        interactionMode: p.interactionMode ?? "default",
        branch: p.branch ?? null,
        worktreePath: p.worktreePath ?? null,
        latestTurn: null,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        deletedAt: null,
        messages: [],
        proposedPlans: [],
        activities: [],
        checkpoints: [],
        session: null,
      };
      return { ...base, threads: base.threads.filter((t) => t.id !== p.threadId).concat(thread) };
    }
    case "thread.deleted":
      return updateThread(base, p.threadId, (t) => ({ ...t, deletedAt: p.deletedAt }));
    case "thread.meta-updated":
      return updateThread(base, p.threadId, (t) => ({
        ...t,
        title: p.title ?? t.title,
        model: p.model ?? t.model,
        modelSelection: p.modelSelection ?? t.modelSelection,
        branch: p.branch !== undefined ? p.branch : t.branch,
        worktreePath: p.worktreePath !== undefined ? p.worktreePath : t.worktreePath,
        updatedAt: p.updatedAt,
        // v0.0.4's channel carries archive and unarchive as a meta update with `archivedAt`.
        ...(p.archivedAt !== undefined ? { archivedAt: p.archivedAt } : {}),
      }));
    case "thread.archived":
      return updateThread(base, p.threadId, (t) => ({ ...t, archivedAt: p.archivedAt ?? at, updatedAt: p.updatedAt ?? t.updatedAt }));
    case "thread.unarchived":
      return updateThread(base, p.threadId, (t) => ({ ...t, archivedAt: null, updatedAt: p.updatedAt ?? t.updatedAt }));
    case "thread.runtime-mode-set":
      return updateThread(base, p.threadId, (t) => ({ ...t, runtimeMode: p.runtimeMode }));
    case "thread.interaction-mode-set":
      return updateThread(base, p.threadId, (t) => ({ ...t, interactionMode: p.interactionMode }));
    case "thread.message-sent":
      return updateThread(base, p.threadId, (t) => applyMessage(t, p));
    case "thread.session-set":
      return updateThread(base, p.threadId, (t) => {
        const session = p.session;
        let latestTurn = t.latestTurn;
        if (session.status === "running" && session.activeTurnId) {
          const same = latestTurn && latestTurn.turnId === session.activeTurnId ? latestTurn : null;
          latestTurn = {
            turnId: session.activeTurnId,
            state: "running",
            requestedAt: same?.requestedAt ?? session.updatedAt,
            startedAt: same?.startedAt ?? session.updatedAt,
            completedAt: null,
            assistantMessageId: same?.assistantMessageId ?? null,
          };
        }
        return { ...t, session, latestTurn };
      });
    case "thread.proposed-plan-upserted":
      return updateThread(base, p.threadId, (t) => ({
        ...t,
        proposedPlans: t.proposedPlans
          .filter((x) => x.id !== p.proposedPlan.id)
          .concat(p.proposedPlan),
      }));
    case "thread.turn-diff-completed":
      return updateThread(base, p.threadId, (t) => {
        const checkpoints = t.checkpoints
          .filter((c) => c.turnId !== p.turnId)
          .concat({
            turnId: p.turnId,
            checkpointTurnCount: p.checkpointTurnCount,
            checkpointRef: p.checkpointRef,
            status: p.status,
            files: p.files,
            assistantMessageId: p.assistantMessageId ?? null,
            completedAt: p.completedAt,
          })
          .sort((a, b) => a.checkpointTurnCount - b.checkpointTurnCount);
        const previous = t.latestTurn?.turnId === p.turnId ? t.latestTurn : null;
        return {
          ...t,
          checkpoints,
          latestTurn: {
            turnId: p.turnId,
            state: checkpointState(p.status),
            requestedAt: previous?.requestedAt ?? p.completedAt,
            startedAt: previous?.startedAt ?? p.completedAt,
            completedAt: p.completedAt,
            assistantMessageId: p.assistantMessageId ?? null,
          },
        };
      });
    case "thread.activity-appended":
      return updateThread(base, p.threadId, (t) => {
        let activities: Activity[] = t.activities.filter((a) => a.id !== p.activity.id);
        activities = activities.concat(p.activity);
        if (activities.length > MAX_ACTIVITIES) {
          activities = activities.slice(activities.length - MAX_ACTIVITIES);
        }
        return { ...t, activities };
      });
    case "thread.reverted":
      // Which messages survive a revert is the server's decision; take its word for it.
      throw new NeedsSnapshot(event.type);
    case "thread.turn-start-requested":
      // The turn's selection is the thread's from now on (the server records it so too).
      return p.modelSelection?.provider
        ? updateThread(base, p.threadId, (t) => ({ ...t, modelSelection: p.modelSelection }))
        : base;
    default:
      // Requests for the provider side change nothing visible.
      return base;
  }
}

/** Approvals and questions codex is still waiting on, oldest first. */
export function pendingRequests(thread: Thread): Activity[] {
  if (!isTurnRunning(thread)) return [];
  const resolved = new Set(
    thread.activities
      .filter((a) => a.kind === "approval.resolved" || a.kind === "user-input.resolved")
      .map((a) => a.payload?.requestId),
  );
  return thread.activities.filter(
    (a) =>
      (a.kind === "approval.requested" || a.kind === "user-input.requested") &&
      !resolved.has(a.payload?.requestId),
  );
}

/** Whether a turn is in progress as far as the UI is concerned: only while the session says
 * so. The read model's latest turn stays "running" until the turn's diff is recorded, which
 * comes after the session has gone back to ready (or error, or stopped). */
export function isTurnRunning(thread: Thread): boolean {
  return thread.session?.status === "running";
}

/** The latest turn's state for display, never a stale "running". */
export function latestTurnLabel(thread: Thread): string | null {
  const turn = thread.latestTurn;
  if (!turn) return null;
  if (turn.state !== "running" || isTurnRunning(thread)) return turn.state;
  const status = thread.session?.status;
  return status === "error" ? "error" : status === "stopped" ? "interrupted" : "completed";
}

/** Kinds shown elsewhere (approval and question cards) or not worth a line. */
const HIDDEN_ACTIVITY_KINDS = new Set([
  "approval.requested",
  "approval.resolved",
  "user-input.requested",
  "user-input.resolved",
  "turn.token-usage",
]);

export type TimelineRow =
  /** `agent`: who answered, on the first assistant message of a turn and whenever it changes. */
  | { kind: "message"; id: string; message: Message; createdAt: string; agent?: string }
  | { kind: "plan"; id: string; plan: ProposedPlan; createdAt: string }
  | { kind: "work"; id: string; activities: Activity[] };

/** Messages, proposed plans and the work between them (tool calls, warnings, errors) in the
 * order they happened; activities in a row between two other rows form one "work" row. */
export function timelineRows(messages: Message[], activities: Activity[], plans: ProposedPlan[] = []): TimelineRow[] {
  const content: Array<Exclude<TimelineRow, { kind: "work" }>> = [];
  let p = 0;
  let answered: { turn: string | null; agent: string } | null = null;
  for (const message of messages) {
    while (p < plans.length && plans[p].createdAt < message.createdAt) content.push(planRow(plans[p++]));
    const row: TimelineRow & { kind: "message" } = { kind: "message", id: message.id, message, createdAt: message.createdAt };
    const by = message.role === "assistant" ? message.answeredBy : undefined;
    if (by) {
      const agent = [providerLabel(by), by.model].filter(Boolean).join(" · ");
      if (!answered || answered.turn !== message.turnId || answered.agent !== agent) row.agent = agent;
      answered = { turn: message.turnId, agent };
    }
    content.push(row);
  }
  while (p < plans.length) content.push(planRow(plans[p++]));

  const shown = activities.filter((a) => !HIDDEN_ACTIVITY_KINDS.has(a.kind));
  const rows: TimelineRow[] = [];
  let work: Activity[] = [];
  const flush = () => {
    if (work.length > 0) rows.push({ kind: "work", id: `work:${work[0].id}`, activities: work });
    work = [];
  };
  let a = 0;
  for (const row of content) {
    while (a < shown.length && shown[a].createdAt < row.createdAt) work.push(shown[a++]);
    flush();
    rows.push(row);
  }
  while (a < shown.length) work.push(shown[a++]);
  flush();
  return rows;
}

function planRow(plan: ProposedPlan): TimelineRow & { kind: "plan" } {
  return { kind: "plan", id: `plan:${plan.id}`, plan, createdAt: plan.createdAt };
}

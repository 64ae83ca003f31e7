// The wire shapes the client uses (../shared/spec/protocol.md). Field names are the server's.

export interface Push {
  type: "push";
  sequence: number;
  channel: string;
  data: unknown;
}

interface ResponseOk {
  id: string;
  result?: unknown;
}

interface ResponseErr {
  id: string;
  error: { message: string };
}

export type Incoming = Push | ResponseOk | ResponseErr;

export type RuntimeMode = "approval-required" | "full-access";
export type InteractionMode = "default" | "plan";
export type SessionStatus =
  | "idle"
  | "starting"
  | "running"
  | "ready"
  | "interrupted"
  | "stopped"
  | "error";

export interface Project {
  id: string;
  title: string;
  workspaceRoot: string;
  defaultModel: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface Message {
  id: string;
  role: "user" | "assistant" | "system";
  text: string;
  attachments?: Array<{ type: "image"; id: string; name: string; mimeType: string; sizeBytes: number }>;
  turnId: string | null;
  streaming: boolean;
  createdAt: string;
  updatedAt: string;
  /** t3rs's, on assistant messages: the agent and model that wrote it. */
  answeredBy?: { provider: string; model: string; instanceId?: string | null };
}

export interface Activity {
  id: string;
  tone: "info" | "tool" | "approval" | "error";
  kind: string;
  summary: string;
  payload: any; // free-form, as in the reference
  turnId: string | null;
  sequence?: number;
  createdAt: string;
}

export interface ProposedPlan {
  id: string;
  turnId: string | null;
  planMarkdown: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckpointSummary {
  turnId: string;
  checkpointTurnCount: number;
  checkpointRef: string;
  status: "ready" | "missing" | "error";
  files: Array<{ path: string; kind: string; additions: number; deletions: number }>;
  assistantMessageId: string | null;
  completedAt: string;
}

export interface Session {
  threadId: string;
  status: SessionStatus;
  providerName: string | null;
  runtimeMode: RuntimeMode;
  activeTurnId: string | null;
  lastError: string | null;
  updatedAt: string;
}

export interface LatestTurn {
  turnId: string;
  state: "running" | "interrupted" | "completed" | "error";
  requestedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  assistantMessageId: string | null;
}

export interface Thread {
  id: string;
  projectId: string;
  title: string;
  model: string;
  /** DP Code's selection, when the server records one (codex with `model` otherwise). */
  modelSelection?: { provider: string; model: string; instanceId?: string } | null;
  runtimeMode: RuntimeMode;
  interactionMode: InteractionMode;
  branch: string | null;
  worktreePath: string | null;
  latestTurn: LatestTurn | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** DP Code's: when the thread was archived (hidden from the sidebar), null when it is not. */
  archivedAt?: string | null;
  messages: Message[];
  proposedPlans: ProposedPlan[];
  activities: Activity[];
  checkpoints: CheckpointSummary[];
  session: Session | null;
  // The shell's summary fields (DP Code's OrchestrationThreadShell): on every thread.
  latestUserMessageAt?: string | null;
  hasPendingApprovals?: boolean;
  hasPendingUserInput?: boolean;
  hasActionableProposedPlan?: boolean;
  // The client's own, on the open thread only: whether its history is here (`loaded`), and
  // whether older pages are left on the server (`hasOlder`) or one is on its way.
  loaded?: boolean;
  hasOlder?: boolean;
  loadingOlder?: boolean;
}

export interface ReadModel {
  snapshotSequence: number;
  projects: Project[];
  threads: Thread[];
  updatedAt: string;
}

export interface DomainEvent {
  sequence: number;
  eventId: string;
  occurredAt: string;
  type: string;
  payload: any;
}

export interface Welcome {
  cwd: string;
  projectName: string;
  bootstrapProjectId?: string;
  bootstrapThreadId?: string;
}

export const DOMAIN_EVENT_CHANNEL = "orchestration.domainEvent";
export const WELCOME_CHANNEL = "server.welcome";

// DP Code's subscriptions (dpcode.md §2).
export const SHELL_EVENT_CHANNEL = "orchestration.shellEvent";
export const THREAD_EVENT_CHANNEL = "orchestration.threadEvent";

export interface ShellSnapshot {
  snapshotSequence: number;
  projects: Project[];
  /** Summaries: the list fields (messages, activities…) are left out. */
  threads: Thread[];
  updatedAt: string;
}

export type ShellItem =
  | { kind: "snapshot"; snapshot: ShellSnapshot }
  | { kind: "project-upserted"; sequence: number; project: Project }
  | { kind: "project-removed"; sequence: number; projectId: string }
  | { kind: "thread-upserted"; sequence: number; thread: Thread }
  | { kind: "thread-removed"; sequence: number; threadId: string };

export interface ThreadSnapshot {
  snapshotSequence: number;
  thread: Thread;
  /** Where older history starts; null when the snapshot holds all of it. */
  historyCursor?: string | null;
}

export type ThreadItem = { kind: "snapshot"; snapshot: ThreadSnapshot } | { kind: "event"; event: DomainEvent };

/** `orchestration.getThreadHistory`: each list newest first. */
export interface HistoryPage {
  messages: Message[];
  activities: Activity[];
  proposedPlans: ProposedPlan[];
  checkpoints: CheckpointSummary[];
  historyCursor: string | null;
}

// `git.actionProgress`: DP Code's progress events for `git.runStackedAction` (C/git.ts), and
// the one line the git bar shows for them.

export type GitStackedAction = "commit" | "push" | "create_pr" | "commit_push" | "commit_push_pr";
export type GitActionPhase = "branch" | "commit" | "push" | "pr";

interface ProgressBase {
  actionId: string;
  cwd: string;
  action: GitStackedAction;
}

export type GitActionProgress = ProgressBase &
  (
    | { kind: "action_started"; phases: GitActionPhase[] }
    | { kind: "phase_started"; phase: GitActionPhase; label: string }
    | { kind: "hook_started"; hookName: string }
    | { kind: "hook_output"; hookName: string | null; stream: "stdout" | "stderr"; text: string }
    | { kind: "hook_finished"; hookName: string; exitCode: number | null; durationMs: number | null }
    | { kind: "action_finished"; result: unknown }
    | { kind: "action_failed"; phase: GitActionPhase | null; message: string }
  );

/** The event, if `data` is one of `actionId`'s. */
export function progressOf(data: unknown, actionId: string): GitActionProgress | null {
  if (typeof data !== "object" || data === null) return null;
  const event = data as Partial<GitActionProgress>;
  return event.actionId === actionId && typeof event.kind === "string" ? (event as GitActionProgress) : null;
}

/** What the git bar says about the action after `event` (null: keep the previous line). */
export function describeProgress(event: GitActionProgress): string | null {
  switch (event.kind) {
    case "action_started":
      return event.phases.length > 0 ? `Starting: ${event.phases.join(" → ")}` : "Starting...";
    case "phase_started":
      return event.label;
    case "hook_started":
      return `Running ${event.hookName} hook...`;
    case "hook_output":
      return event.hookName ? `${event.hookName}: ${event.text}` : null;
    case "hook_finished":
      return event.exitCode === 0 || event.exitCode === null
        ? `${event.hookName} hook done`
        : `${event.hookName} hook exited with ${event.exitCode}`;
    case "action_finished":
      return "Done";
    case "action_failed":
      return `Failed${event.phase ? ` (${event.phase})` : ""}: ${event.message}`;
    default:
      return null;
  }
}

/** A fresh id for one run, echoed back in its progress. */
export function newActionId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `git-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

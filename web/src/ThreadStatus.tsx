// Small status pieces of a thread: which agent answers, how full its context is, and a turn
// that is only reconnecting (one line with a count and Stop, not a warning per attempt).

import { useMemo } from "react";

import { dispatch, now, startTurn } from "./client";
import { useAction } from "./hooks";
import { providerLabel } from "./providers";
import type { ProposedPlan, Thread } from "./protocol";
import { contextUse, formatTokens, type Retrying } from "./threadRows";

/** The agent behind the thread: the running session's provider, else the thread's selection. */
export function AgentLabel({ thread }: { thread: Thread }) {
  const provider = thread.session?.providerName ?? thread.modelSelection?.provider ?? null;
  const model = thread.modelSelection?.model ?? thread.model ?? null;
  if (!provider && !model) return null;
  const shown = [provider && providerLabel({ provider, instanceId: thread.modelSelection?.instanceId }), model]
    .filter(Boolean)
    .join(" · ");
  return (
    <span className="agent-label" data-testid="agent-label" title={`The agent answering in this thread: ${shown}`}>
      {shown}
    </span>
  );
}

export function ContextMeter({ thread }: { thread: Thread }) {
  // A thread without usage reports is scanned whole: once per change of its activities, not
  // on every render of the head.
  const use = useMemo(() => contextUse(thread.activities), [thread.activities]);
  if (!use) return null;
  if (use.window === null) {
    return (
      <span className="context-meter" data-testid="context-meter" title="Tokens used by the last turn (the agent reports no context size)">
        {formatTokens(use.used)} tokens
      </span>
    );
  }
  const percent = Math.min(100, Math.round((use.used / use.window) * 100));
  return (
    <span className="context-meter" data-testid="context-meter" title={`${use.used} of ${use.window} context tokens`}>
      <meter min={0} max={use.window} value={use.used} aria-label="Context used" />
      {percent}% · {formatTokens(use.used)}/{formatTokens(use.window)}
    </span>
  );
}

export function RetryingBar({ thread, retrying }: { thread: Thread; retrying: Retrying }) {
  const [error, busy, act] = useAction();
  return (
    <div className="retrying" role="status" data-testid="retrying">
      <span>
        Retrying ({retrying.attempt}/{retrying.of})… the agent cannot reach its model yet.
      </span>
      <button
        type="button"
        className="small"
        disabled={busy}
        onClick={() => act(() => dispatch({ type: "thread.turn.interrupt", threadId: thread.id, createdAt: now() }))}
      >
        Stop
      </button>
      {error && <span className="error">{error}</span>}
    </div>
  );
}

/** The composer listens for this to take a prepared follow-up (a plan to refine). */
export const COMPOSER_PREFILL = "t3rs:composer-prefill";

/** Implement: the plan as a new turn in default mode (the thread's mode wins over a turn's, so
 * it is switched first). Refine: a plan-mode follow-up quoting the plan, left in the composer. */
export async function planAction(thread: Thread, plan: ProposedPlan, action: "implement" | "refine"): Promise<void> {
  const mode = action === "implement" ? "default" : "plan";
  if (thread.interactionMode !== mode) {
    await dispatch({ type: "thread.interaction-mode.set", threadId: thread.id, interactionMode: mode, createdAt: now() });
  }
  if (action === "refine") {
    const quoted = plan.planMarkdown
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n");
    window.dispatchEvent(new CustomEvent(COMPOSER_PREFILL, { detail: `${quoted}\n\n` }));
    return;
  }
  await startTurn({
    threadId: thread.id,
    text: plan.planMarkdown,
    // v0.0.4's model field is codex's; other agents go by the selection alone.
    model: !thread.modelSelection || thread.modelSelection.provider === "codex" ? thread.model : undefined,
    modelSelection: thread.modelSelection ?? undefined,
    runtimeMode: thread.runtimeMode,
    interactionMode: "default",
  });
}

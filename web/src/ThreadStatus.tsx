// Small status pieces of a thread: which agent answers, how full its context is, and a turn
// that is only reconnecting (one line with a count and Stop, not a warning per attempt).

import { dispatch, now } from "./client";
import { useAction } from "./hooks";
import type { Thread } from "./protocol";
import { contextUse, formatTokens, type Retrying } from "./threadRows";

/** The agent behind the thread: the running session's provider, else the thread's selection. */
export function AgentLabel({ thread }: { thread: Thread }) {
  const provider = thread.session?.providerName ?? thread.modelSelection?.provider ?? null;
  const model = thread.modelSelection?.model ?? thread.model ?? null;
  if (!provider && !model) return null;
  return (
    <span className="agent-label" data-testid="agent-label" title="The agent answering in this thread">
      {[provider, model].filter(Boolean).join(" · ")}
    </span>
  );
}

export function ContextMeter({ thread }: { thread: Thread }) {
  const use = contextUse(thread.activities);
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

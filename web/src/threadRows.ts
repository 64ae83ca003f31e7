// What the thread view makes of activities beyond their order: warnings said on every turn
// shown once with a count, a turn that is only reconnecting shown as one status, and the
// context meter from the token-usage activity.

import type { Activity } from "./protocol";

/** Codex's retry notices: "Reconnecting... 2/5" (or with an ellipsis character). */
const RETRY = /^Reconnecting(?:\.\.\.|…)\s*(\d+)\s*\/\s*(\d+)/;

function text(a: Activity): string {
  return String(a.payload?.message ?? a.payload?.detail ?? "");
}

export function isRetryNotice(a: Activity): boolean {
  return (a.kind === "runtime.warning" || a.kind === "runtime.error") && RETRY.test(text(a));
}

export interface Retrying {
  attempt: number;
  of: number;
  message: string;
}

/** While a turn runs and its newest activity is a retry notice, how far the retries are. */
export function retryingStatus(activities: Activity[], activeTurnId: string | null | undefined): Retrying | null {
  if (!activeTurnId) return null;
  for (let i = activities.length - 1; i >= 0; i--) {
    const a = activities[i];
    if (a.turnId !== activeTurnId) continue;
    if (a.kind === "turn.token-usage") continue;
    const m = isRetryNotice(a) ? RETRY.exec(text(a)) : null;
    return m ? { attempt: Number(m[1]), of: Number(m[2]), message: text(a) } : null;
  }
  return null;
}

/** Activities with repeated identical warnings folded into their first occurrence (across the
 * whole thread: codex repeats the same start-up warnings on every turn), and retry notices
 * dropped (the retrying status, or the turn's error, says it once). `repeats` maps a kept
 * warning's id to how many times it was said. */
export function collapseWarnings(activities: Activity[]): { activities: Activity[]; repeats: Map<string, number> } {
  const first = new Map<string, Activity>();
  const repeats = new Map<string, number>();
  const kept: Activity[] = [];
  for (const a of activities) {
    if (isRetryNotice(a)) continue;
    if (a.kind !== "runtime.warning") {
      kept.push(a);
      continue;
    }
    const key = `${a.summary}\u0000${text(a)}`;
    const seen = first.get(key);
    if (seen) {
      repeats.set(seen.id, (repeats.get(seen.id) ?? 1) + 1);
      continue;
    }
    first.set(key, a);
    kept.push(a);
  }
  return { activities: kept, repeats };
}

export interface ContextUse {
  used: number;
  window: number | null;
}

/** The newest token-usage activity as context used (and the window, where the agent says it):
 * codex's `{last, total, modelContextWindow}`, Claude's `{usage: {input_tokens, …}}`. */
export function contextUse(activities: Activity[]): ContextUse | null {
  for (let i = activities.length - 1; i >= 0; i--) {
    const a = activities[i];
    if (a.kind !== "turn.token-usage") continue;
    const p = a.payload ?? {};
    const window = typeof p.modelContextWindow === "number" && p.modelContextWindow > 0 ? p.modelContextWindow : null;
    const codex = p.last?.totalTokens ?? p.total?.totalTokens;
    if (typeof codex === "number") return { used: codex, window };
    const u = p.usage;
    if (u && typeof u === "object") {
      const used = ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
        .map((k) => (typeof u[k] === "number" ? u[k] : 0))
        .reduce((x, y) => x + y, 0);
      if (used > 0) return { used, window };
    }
    return null;
  }
  return null;
}

/** "12.3k" style token counts. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The messages waiting behind the running turn: queued, not yet started nor dropped. */
export function queuedMessageIds(activities: Activity[]): string[] {
  const queued = new Set<string>();
  for (const a of activities) {
    const id = a.payload?.messageId;
    if (a.kind === "turn.queued" && typeof id === "string") queued.add(id);
    else if (a.kind === "turn.dequeued") queued.delete(id);
    else if (a.kind === "turn.queue.cleared") for (const gone of a.payload?.messageIds ?? []) queued.delete(gone);
  }
  return [...queued];
}

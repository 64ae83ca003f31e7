// What is worth a browser notification between two read models: a turn that ended, and an
// approval or question codex is now waiting on. The app shows them only while the tab is hidden.

import { isTurnRunning, latestTurnLabel, pendingRequests } from "./model";
import type { ReadModel } from "./protocol";

export function notificationsFor(previous: ReadModel | null, next: ReadModel): string[] {
  // The first model is the state the page opened on, not news.
  if (!previous) return [];
  const before = new Map(previous.threads.map((t) => [t.id, t]));
  const out: string[] = [];
  for (const thread of next.threads) {
    const old = before.get(thread.id);
    if (!old || thread.deletedAt) continue;
    // Only activities and the session decide either kind of news (text deltas change neither).
    // (A thread not open has no activities here: its shell summary says whether one waits.)
    if (!thread.loaded && thread.hasPendingApprovals && !old.hasPendingApprovals) {
      out.push(`${thread.title}: waiting for your approval`);
    }
    if (old.activities === thread.activities && old.session === thread.session) continue;
    const asked = new Set(pendingRequests(old).map((a) => a.id));
    for (const request of pendingRequests(thread)) {
      if (!asked.has(request.id)) out.push(`${thread.title}: ${request.summary}`);
    }
    if (isTurnRunning(old) && !isTurnRunning(thread)) {
      out.push(`${thread.title}: turn ${latestTurnLabel(thread) ?? "ended"}`);
    }
  }
  return out;
}

// The open thread's loaded window of history: older pages put in front, and a fresh snapshot
// (after a reconnect or an overflow) merged with what was already paged in, so nothing is
// shown twice and nothing in between goes missing.

import type { HistoryPage, Thread } from "./protocol";

type Lists = Pick<Thread, "messages" | "activities" | "proposedPlans" | "checkpoints">;
const LISTS = ["messages", "activities", "proposedPlans", "checkpoints"] as const;
const keyOf = (list: string, item: any): string => (list === "checkpoints" ? item.turnId : item.id);

/** `page` (newest first, as the server sends it) before the thread's lists; items already
 * there are not added again. */
export function prependPage(thread: Thread, page: HistoryPage): Thread {
  const next: Partial<Lists> = {};
  for (const list of LISTS) {
    const have = new Set((thread[list] as any[]).map((x) => keyOf(list, x)));
    const older = (page[list] as any[]).slice().reverse().filter((x) => !have.has(keyOf(list, x)));
    (next as any)[list] = older.length ? older.concat(thread[list]) : thread[list];
  }
  return { ...thread, ...next };
}

/** The fresh window `fresh`, with the part of `old` older than it kept in front when the two
 * overlap (its first message is one `old` holds); null when they do not, and `old`'s older
 * part cannot be joined to it without a gap. */
export function mergeWindow(old: Thread, fresh: Thread): Thread | null {
  const first = fresh.messages[0];
  if (!first) return null;
  const at = old.messages.findIndex((m) => m.id === first.id);
  if (at < 0) return null;
  const next: Partial<Lists> = {};
  for (const list of LISTS) {
    const freshList = fresh[list] as any[];
    const oldList = old[list] as any[];
    const anchor = freshList[0];
    // An empty fresh list has nothing since the window's oldest message: all of old is older.
    const cut = anchor ? oldList.findIndex((x) => keyOf(list, x) === keyOf(list, anchor)) : oldList.length;
    const keep = list === "messages" ? at : Math.max(cut, 0);
    const seen = new Set(freshList.map((x) => keyOf(list, x)));
    (next as any)[list] = oldList.slice(0, keep).filter((x) => !seen.has(keyOf(list, x))).concat(freshList);
  }
  return { ...fresh, ...next };
}

// The sidebar's and palette's pure parts: threads grouped by project with the most recently
// active first, short relative times, and a small fuzzy matcher.

import type { Project, Thread } from "./protocol";

export interface ProjectGroup {
  project: Project;
  threads: Thread[];
  /** Archived threads of the project, hidden unless asked for. */
  archived: Thread[];
}

/** When a thread last saw activity: its newest message, else its last update. */
export function lastActivity(thread: Thread): string {
  const newest = thread.messages[thread.messages.length - 1];
  const at = newest?.updatedAt ?? newest?.createdAt ?? "";
  return at > thread.updatedAt ? at : thread.updatedAt;
}

/** Newest first, for ISO-8601 times: they order as plain strings. `localeCompare` would do the
 * same work through the locale's collator, whose first use cost ~20 ms in the cold open. */
export function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Live projects, each with its live threads newest-activity first; projects whose threads
 * were most recently active come first (a project without threads by its own update time). */
export function groupThreads(projects: Project[], threads: Thread[]): ProjectGroup[] {
  const groups = new Map<string, ProjectGroup>();
  for (const project of projects) {
    if (!project.deletedAt) groups.set(project.id, { project, threads: [], archived: [] });
  }
  const sorted = threads.filter((t) => !t.deletedAt).sort((a, b) => newestFirst(lastActivity(a), lastActivity(b)));
  for (const thread of sorted) {
    const group = groups.get(thread.projectId);
    if (group) (thread.archivedAt ? group.archived : group.threads).push(thread);
  }
  const newest = (g: ProjectGroup) => (g.threads[0] ? lastActivity(g.threads[0]) : g.project.updatedAt);
  return [...groups.values()].sort((a, b) => newestFirst(newest(a), newest(b)));
}

/** How many of a project's threads the sidebar lists before "Show more", as T3 Code does: the
 * newest, which are the ones usually wanted; the rest are a click, a search or the palette away. */
export const THREAD_PREVIEW = 6;

/** The threads a collapsed list shows: the newest `limit`, and the selected one wherever it is
 * (an older thread opened by its address or the palette stays in view). */
export function previewThreads(threads: Thread[], selected: string | null, limit = THREAD_PREVIEW): { shown: Thread[]; more: number } {
  const shown = threads.filter((t, i) => i < limit || t.id === selected);
  return { shown, more: threads.length - shown.length };
}

/** "now", "5m", "3h", "2d", else the date: short enough for a sidebar row. */
export function relativeTime(iso: string, nowMs: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 60) return "now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86400) return `${Math.floor(seconds / 86400)}d`;
  return new Date(then).toISOString().slice(0, 10);
}

/** A score for `query`'s characters appearing in order in `text` (case-insensitive), higher
 * for contiguous runs and matches at word starts; `null` when they do not all appear. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const t = text.toLowerCase();
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    if (ch === " ") continue;
    const at = t.indexOf(ch, from);
    if (at < 0) return null;
    score += 1;
    if (at === previous + 1) score += 2;
    if (at === 0 || /[\s\-_/.]/.test(t[at - 1])) score += 3;
    previous = at;
    from = at + 1;
  }
  // Among equals, the shorter text is the closer match.
  return score - t.length / 1000;
}

/** Items whose label matches, best first (the input order among ties). */
export function fuzzyFilter<T>(query: string, items: T[], label: (item: T) => string): T[] {
  const scored: Array<{ item: T; score: number; index: number }> = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, label(item));
    if (score !== null) scored.push({ item, score, index });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.item);
}

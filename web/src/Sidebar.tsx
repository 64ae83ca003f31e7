// The sidebar: thread search, projects (add one by its folder's path) and their threads, newest
// activity first (the first few, the rest behind "Show more"), with archive and a toggle for the
// archived.

import { useState } from "react";

import { createThread, dispatch, newId, now } from "./client";
import { useAction } from "./hooks";
import { isTurnRunning, pendingRequests } from "./model";
import { groupThreads, lastActivity, previewThreads, relativeTime, THREAD_PREVIEW, type ProjectGroup } from "./navigation";
import type { ReadModel, Thread } from "./protocol";
import { ThreadSearch } from "./ThreadSearch";

export function Sidebar(props: { model: ReadModel | null; selected: string | null; onSelect: (id: string) => void }) {
  const [path, setPath] = useState("");
  const [error, , act] = useAction();
  const groups = groupThreads(props.model?.projects ?? [], props.model?.threads ?? []);
  const addProject = () =>
    act(async () => {
      const root = path.trim();
      if (!root) throw new Error("Type the project's folder path first.");
      const title = root.split("/").filter(Boolean).pop() ?? root;
      await dispatch({ type: "project.create", projectId: newId(), title, workspaceRoot: root, createdAt: now() });
      setPath("");
    });
  return (
    <nav className="sidebar" id="sidebar" aria-label="Projects and threads">
      <h1>t3rs</h1>
      <ThreadSearch onOpen={props.onSelect} revision={searchRevision(props.model)} />
      {groups.map((group) => (
        <ProjectEntry key={group.project.id} group={group} selected={props.selected} onSelect={props.onSelect} />
      ))}
      <div className="add-project">
        <input
          aria-label="Project folder path"
          placeholder="/path/to/project"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && addProject()}
        />
        <button onClick={addProject}>Add project</button>
        {error && <div className="error">{error}</div>}
      </div>
    </nav>
  );
}

function ProjectEntry(props: { group: ProjectGroup; selected: string | null; onSelect: (id: string) => void }) {
  const { project, threads, archived } = props.group;
  const [error, , act] = useAction();
  const [collapsed, setCollapsed] = useState(false);
  const [showArchived, setShowArchived] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const { shown, more } = showAll ? { shown: threads, more: 0 } : previewThreads(threads, props.selected);
  const newThread = () => act(async () => props.onSelect(await createThread(project)));
  const setArchived = (thread: Thread, archive: boolean) =>
    act(() => dispatch({ type: archive ? "thread.archive" : "thread.unarchive", threadId: thread.id }));
  const listId = `project-threads-${project.id}`;
  const row = (t: Thread) => (
    <div key={t.id} className={`thread-row ${t.id === props.selected ? "active" : ""}`} data-thread-id={t.id}>
      <button
        className={`thread-link ${t.id === props.selected ? "active" : ""}`}
        aria-current={t.id === props.selected ? "page" : undefined}
        onClick={() => props.onSelect(t.id)}
      >
        <span className="thread-title">{t.title}</span>
        {pendingRequests(t).length > 0 ? (
          <span className="dot dot-attention" title="needs your answer" aria-label="needs your answer" />
        ) : (
          isTurnRunning(t) && <span className="dot" title="running" aria-label="running" />
        )}
        <time className="thread-time" dateTime={lastActivity(t)}>
          {relativeTime(lastActivity(t))}
        </time>
      </button>
      <button
        className="small thread-archive"
        aria-label={`${t.archivedAt ? "Unarchive" : "Archive"} ${t.title}`}
        title={t.archivedAt ? "Unarchive" : "Archive"}
        onClick={() => setArchived(t, !t.archivedAt)}
      >
        {t.archivedAt ? "Unarchive" : "Archive"}
      </button>
    </div>
  );
  return (
    <section className="project">
      <div className="project-title" title={project.workspaceRoot}>
        <button
          className="project-toggle"
          aria-expanded={!collapsed}
          aria-controls={listId}
          onClick={() => setCollapsed(!collapsed)}
        >
          <span aria-hidden="true">{collapsed ? "▸" : "▾"}</span> {project.title}
        </button>
        <button className="small" onClick={newThread}>
          + thread
        </button>
      </div>
      {!collapsed && (
        <div id={listId}>
          {shown.map(row)}
          {more > 0 && (
            <button className="small show-more" onClick={() => setShowAll(true)}>
              Show {more} more
            </button>
          )}
          {showAll && threads.length > THREAD_PREVIEW && (
            <button className="small show-more" onClick={() => setShowAll(false)}>
              Show less
            </button>
          )}
          {archived.length > 0 && (
            <button className="small show-archived" aria-expanded={showArchived} onClick={() => setShowArchived(!showArchived)}>
              {showArchived ? "Hide archived" : `Show archived (${archived.length})`}
            </button>
          )}
          {showArchived && archived.map(row)}
        </div>
      )}
      {error && <div className="error">{error}</div>}
    </section>
  );
}

/** What changes when a search's answer may: a thread added, renamed, archived, or a turn sent
 * or finished (not every streamed word: a finished turn has all of its reply). */
function searchRevision(model: ReadModel | null): string {
  return (model?.threads ?? [])
    .map((t) => `${t.id}:${t.title}:${t.archivedAt ?? ""}:${t.latestUserMessageAt ?? ""}:${t.latestTurn?.completedAt ?? ""}`)
    .join("|");
}

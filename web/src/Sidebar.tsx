// The sidebar: projects (add one by its folder's path) and their threads.

import { useState } from "react";

import { createThread, dispatch, newId, now } from "./client";
import { useAction } from "./hooks";
import { isTurnRunning } from "./model";
import type { Project, ReadModel, Thread } from "./protocol";

export function Sidebar(props: { model: ReadModel | null; selected: string | null; onSelect: (id: string) => void }) {
  const [path, setPath] = useState("");
  const [error, , act] = useAction();
  const projects = (props.model?.projects ?? []).filter((p) => !p.deletedAt);
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
      {projects.map((project) => (
        <ProjectEntry
          key={project.id}
          project={project}
          threads={props.model?.threads ?? []}
          selected={props.selected}
          onSelect={props.onSelect}
        />
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

function ProjectEntry(props: {
  project: Project;
  threads: Thread[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const [error, , act] = useAction();
  const threads = props.threads.filter((t) => t.projectId === props.project.id && !t.deletedAt);
  const newThread = () => act(async () => props.onSelect(await createThread(props.project)));
  return (
    <section className="project">
      <div className="project-title" title={props.project.workspaceRoot}>
        {props.project.title}
        <button className="small" onClick={newThread}>
          + thread
        </button>
      </div>
      {threads.map((t) => (
        <button
          key={t.id}
          className={`thread-link ${t.id === props.selected ? "active" : ""}`}
          onClick={() => props.onSelect(t.id)}
        >
          {t.title}
          {isTurnRunning(t) && <span className="dot" title="running" />}
        </button>
      ))}
      {error && <div className="error">{error}</div>}
    </section>
  );
}

// Adding a project by picking its folder: the directories under a path (from the server's
// `filesystem.browse`, confined to the server user's home), clickable to go deeper, and a
// path field; "Add this folder" creates the project as the sidebar's add does.

import { useEffect, useState, type ReactNode } from "react";

import { dispatch, newId, now, transport } from "./client";
import { errorText } from "./hooks";

interface Entry {
  name: string;
  fullPath: string;
}

export function FolderPicker({ onAdded }: { onAdded?: (projectId: string) => void }) {
  const [path, setPath] = useState("~/");
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    // A trailing slash lists the folder's children; without one the server completes the last name.
    transport.request<{ entries?: Entry[] }>({ _tag: "filesystem.browse", partialPath: path }).then(
      (r) => live && (setEntries(Array.isArray(r?.entries) ? r.entries : []), setError(null)),
      (e: unknown) => live && (setEntries([]), setError(`Cannot list ${path}: ${errorText(e)}`)),
    );
    return () => {
      live = false;
    };
  }, [path]);
  const add = async () => {
    const root = path.trim().replace(/\/+$/, "");
    if (!root || root === "~") return setError("Choose a folder inside your home directory first.");
    setBusy(true);
    try {
      const title = root.split("/").filter(Boolean).pop() ?? root;
      const projectId = newId();
      await dispatch({ type: "project.create", projectId, title, workspaceRoot: root, createdAt: now() });
      onAdded?.(projectId);
    } catch (e) {
      setError(`Could not add ${root}: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="folder-picker" data-testid="folder-picker">
      <label>
        Folder
        <input value={path} onChange={(e) => setPath(e.target.value)} data-testid="folder-path" spellCheck={false} />
      </label>
      <ul className="folder-list" aria-label="folders">
        {entries.map((e) => (
          <li key={e.fullPath}>
            <button type="button" className="link" data-testid="folder-entry" onClick={() => setPath(`${e.fullPath}/`)}>
              {e.name}/
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={add} disabled={busy} data-testid="folder-add">
        {busy ? "Adding…" : "Add this folder"}
      </button>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

/** What a first run with no projects shows: what t3rs is, whether the agents are ready, and
 * how to add a project. */
export function FirstRun({ status, onAdded }: { status: ReactNode; onAdded?: (projectId: string) => void }) {
  return (
    <section className="first-run" data-testid="first-run">
      <h2>Welcome to t3rs</h2>
      <p>
        t3rs runs coding agents (Codex, Claude Code, ACP agents) on this machine and lets you talk to them from the
        browser. Start by adding a project: the folder the agent will work in.
      </p>
      {status}
      <FolderPicker onAdded={onAdded} />
    </section>
  );
}

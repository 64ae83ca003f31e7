// The app: the sidebar and the selected thread, with the connection state above them.

import { useEffect, useMemo, useState } from "react";

import { createThread, sync } from "./client";
import { useCommand, useConnection, useKeybindings, useModel, useNotifications, useServerConfig, useWelcome } from "./hooks";
import { Sidebar } from "./Sidebar";
import { ThreadView } from "./ThreadView";

export function App() {
  const model = useModel();
  const connection = useConnection();
  const welcome = useWelcome();
  const [selected, setSelected] = useState<string | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  // The chosen thread while it exists, else the welcome's bootstrap thread, else the first.
  const find = (id: string | null | undefined) => (id ? threads.find((t) => t.id === id) : undefined);
  const thread = find(selected) ?? find(welcome?.bootstrapThreadId) ?? threads[0] ?? null;
  // Only the thread on screen has its history subscribed (sync.ts).
  useEffect(() => sync.open(thread?.id ?? null), [thread?.id]);
  const project = thread ? model?.projects.find((p) => p.id === thread.projectId) : undefined;
  const config = useServerConfig();
  useKeybindings(config.keybindings);
  useNotifications();
  useCommand((command) => {
    if (command === "chat.new" || command === "chat.newLocal") {
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
  });
  return (
    <div className="app">
      <Sidebar model={model} selected={thread?.id ?? null} onSelect={setSelected} />
      <main className="main">
        <header className="topbar">
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
          {config.error && <span className="error">{config.error}</span>}
        </header>
        {thread ? (
          <ThreadView
            key={thread.id}
            thread={thread}
            editors={config.availableEditors}
            cwd={thread.worktreePath ?? project?.workspaceRoot ?? null}
          />
        ) : (
          <div className="empty">{model ? "Add a project and start a thread." : "Loading…"}</div>
        )}
      </main>
    </div>
  );
}

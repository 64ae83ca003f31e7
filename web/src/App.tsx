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
  useEffect(() => {
    if (selected && threads.some((t) => t.id === selected)) return;
    const first = welcome?.bootstrapThreadId ?? threads[0]?.id ?? null;
    if (first && threads.some((t) => t.id === first)) setSelected(first);
  }, [threads, selected, welcome]);

  const thread = threads.find((t) => t.id === selected) ?? null;
  const config = useServerConfig();
  useKeybindings(config.keybindings);
  useNotifications();
  useCommand((command) => {
    if ((command === "chat.new" || command === "chat.newLocal") && thread) {
      const project = model?.projects.find((p) => p.id === thread.projectId);
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
  });
  return (
    <div className="app">
      <Sidebar model={model} selected={selected} onSelect={setSelected} />
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
            cwd={thread.worktreePath ?? model?.projects.find((p) => p.id === thread.projectId)?.workspaceRoot ?? null}
          />
        ) : (
          <div className="empty">{model ? "Add a project and start a thread." : "Loading…"}</div>
        )}
      </main>
    </div>
  );
}

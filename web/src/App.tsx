// The app: the sidebar and the selected thread, with the connection state above them.

import { useEffect, useMemo, useState } from "react";

import { createThread, sync } from "./client";
import { useCommand, useConnection, useKeybindings, useModel, useNotifications, useServerConfig, useWelcome } from "./hooks";
import { Sidebar } from "./Sidebar";
import { ThemeSwitch } from "./ThemeSwitch";
import { ThreadView } from "./ThreadView";

export function App() {
  const model = useModel();
  const connection = useConnection();
  const welcome = useWelcome();
  const [selected, setSelected] = useState<string | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  // Below 768px the sidebar is a drawer: opened from the top bar, closed by a choice, Escape or
  // the backdrop (styles.css hides it on wider screens, where it is always shown).
  const [drawer, setDrawer] = useState(false);
  useEffect(() => {
    // Focus follows the drawer: into it when it opens, back to the menu button when it closes.
    const sidebar = document.getElementById("sidebar");
    if (!drawer) {
      if (sidebar?.contains(document.activeElement)) document.querySelector<HTMLElement>('[data-testid="menu"]')?.focus();
      return;
    }
    sidebar?.querySelector<HTMLElement>("button, input")?.focus();
    const close = (e: KeyboardEvent) => e.key === "Escape" && setDrawer(false);
    window.addEventListener("keydown", close);
    return () => window.removeEventListener("keydown", close);
  }, [drawer]);
  const choose = (id: string) => {
    setSelected(id);
    setDrawer(false);
  };
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  // The chosen thread while it exists, else the welcome's bootstrap thread, else the first.
  const find = (id: string | null | undefined) => (id ? threads.find((t) => t.id === id) : undefined);
  const thread = find(selected) ?? find(welcome?.bootstrapThreadId) ?? threads[0] ?? null;
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
    <div className={`app ${drawer ? "drawer-open" : ""}`}>
      <Sidebar model={model} selected={thread?.id ?? null} onSelect={choose} />
      <button className="drawer-backdrop" aria-label="Close the sidebar" tabIndex={-1} onClick={() => setDrawer(false)} />
      <div className="main">
        <header className="topbar">
          <button
            className="ghost icon-btn menu-btn"
            aria-label="Open the sidebar"
            aria-expanded={drawer}
            aria-controls="sidebar"
            data-testid="menu"
            onClick={() => setDrawer(true)}
          >
            ☰
          </button>
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
          {config.error && <span className="error">{config.error}</span>}
          <span className="spacer" />
          <ThemeSwitch compact />
        </header>
        <main className="thread-main">
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
    </div>
  );
}

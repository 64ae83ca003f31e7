// The thread's side panels: per-turn diffs with revert, and the git bar.

import { lazy, Suspense, useEffect, useRef, useState } from "react";

import { dispatch, now, transport } from "./client";
import { describeProgress, newActionId, progressOf } from "./gitProgress";
import { useAction } from "./hooks";
import { isTurnRunning } from "./model";
import { turnPatch } from "./turnPatch";
import { canRollBack, defaultSelection, providerLabel } from "./providers";
import { useProviders } from "./providerStore";
import type { Thread } from "./protocol";

const DiffView = lazy(() => import("./DiffView"));

export function DiffPanel({ thread, onClose }: { thread: Thread; onClose?: () => void }) {
  const [patch, setPatch] = useState<{ title: string; text: string } | null>(null);
  const [error, busy, act] = useAction();
  const last = thread.checkpoints.at(-1)?.checkpointTurnCount ?? 0;
  const running = isTurnRunning(thread);

  const show = (title: string, request: { _tag: string; [key: string]: unknown }) =>
    act(async () => {
      const result = await transport.request<{ diff: string }>(request);
      setPatch({ title, text: result.diff });
    });
  const showWhole = () =>
    show("Whole thread", { _tag: "orchestration.getFullThreadDiff", threadId: thread.id, toTurnCount: last });
  const showTurn = (count: number, turnId: string) =>
    act(async () => setPatch({ title: `Turn ${count}`, text: await turnPatch(thread.id, count, turnId) }));
  // An agent that cannot forget turns (most ACP agents) gets its files restored, and its next
  // turn starts a new conversation: the buttons say "restore files", not "revert".
  const agent = defaultSelection(thread);
  const rollback = canRollBack(useProviders().statuses, agent);
  const forgets = `${providerLabel(agent)} cannot forget turns`;
  const words = rollback
    ? { verb: "revert", title: "Restore the files and the agent's conversation to this turn", after: "" }
    : {
        verb: "restore files",
        title: `${forgets}: the files are restored, and its next turn starts a new conversation given this thread's messages`,
        after: ` ${forgets}, so its next turn starts a new conversation.`,
      };
  const revert = (count: number) =>
    act(async () => {
      if (!window.confirm(`Restore the files to how they were after turn ${count}? Later turns are dropped.${words.after}`)) return;
      await dispatch({ type: "thread.checkpoint.revert", threadId: thread.id, turnCount: count, createdAt: now() });
      setPatch(null);
    });

  return (
    <aside className="panel diff-panel" data-testid="diff-panel" aria-label="Changes">
      <div className="panel-head">
        <strong>Changes</strong>
        {last > 0 && (
          <button className="small" disabled={busy} onClick={showWhole}>
            Whole thread
          </button>
        )}
        {onClose && (
          <button className="small ghost" onClick={onClose} aria-label="Close the changes panel" data-testid="close-diff">
            ✕
          </button>
        )}
      </div>
      {thread.checkpoints.length === 0 && <div className="muted">No turns yet.</div>}
      {thread.checkpoints.map((c) => (
        <div key={c.turnId} className="checkpoint" data-testid="checkpoint">
          <div className="checkpoint-head">
            <span>Turn {c.checkpointTurnCount}</span>
            {c.status !== "ready" && <span className="muted">{c.status}</span>}
            <span className="spacer" />
            <button className="small" disabled={busy || c.status !== "ready"} onClick={() => showTurn(c.checkpointTurnCount, c.turnId)}>
              diff
            </button>
            <button
              className="small"
              data-testid="revert-turn"
              title={words.title}
              disabled={busy || running || c.status !== "ready"}
              onClick={() => revert(c.checkpointTurnCount)}
            >
              {words.verb} here
            </button>
          </div>
          {c.files.map((f) => (
            <div key={f.path} className="file-stat" data-testid="file-stat">
              <span className="path">{f.path}</span>
              <span className="add">+{f.additions}</span>
              <span className="del">−{f.deletions}</span>
            </div>
          ))}
        </div>
      ))}
      {thread.checkpoints.length > 0 && (
        <button className="small" title={words.title} disabled={busy || running} onClick={() => revert(0)}>
          {words.verb} to before the first turn
        </button>
      )}
      {error && <div className="error">{error}</div>}
      {patch && (
        <div className="patch-box">
          <div className="label">{patch.title}</div>
          <Suspense fallback={<div className="muted">Loading the diff view…</div>}>
            <DiffView patch={patch.text} />
          </Suspense>
        </div>
      )}
    </aside>
  );
}

interface GitStatus {
  branch: string | null;
  hasWorkingTreeChanges: boolean;
  workingTree: { files: Array<{ path: string; insertions: number; deletions: number }> };
  hasUpstream: boolean;
  aheadCount: number;
  behindCount: number;
  pr: { number: number; url: string; state: string } | null;
}

interface Branch {
  name: string;
  isRemote?: boolean;
  current: boolean;
  worktreePath: string | null;
}

/** The git bar. `revision` changes when a turn ends (codex may have changed files), and the
 * status is read again then, and whenever the window gets focus back. */
export function GitBar({ cwd, threadId, revision }: { cwd: string; threadId: string; revision: string }) {
  const [status, setStatus] = useState<GitStatus | null>(null);
  const [branches, setBranches] = useState<Branch[]>([]);
  const [steps, setSteps] = useState<string[]>([]);
  // The running action's id: its git.actionProgress events are the ones shown.
  const actionId = useRef("");
  const [action, setAction] = useState("commit");
  const [message, setMessage] = useState("");
  const [error, busy, act] = useAction();
  const [isRepo, setIsRepo] = useState(true);
  const loadStatus = async () => setStatus(await transport.request<GitStatus>({ _tag: "git.status", cwd }));
  const load = async () => {
    const listed = await transport.request<{ branches: Branch[]; isRepo: boolean }>({ _tag: "git.listBranches", cwd });
    setIsRepo(listed.isRepo);
    if (!listed.isRepo) return;
    setBranches(listed.branches.filter((b) => !b.isRemote));
    await loadStatus();
  };
  const refresh = () => act(load);
  const checkout = (branch: string) =>
    act(async () => {
      await transport.request({ _tag: "git.checkout", cwd, branch });
      await loadStatus();
    });
  const worktree = () =>
    act(async () => {
      const newBranch = window.prompt("Branch for the new worktree:", "t3rs/work")?.trim();
      if (!newBranch) return;
      const created = await transport.request<{ worktree: { path: string; branch: string } }>({
        _tag: "git.createWorktree",
        cwd,
        branch: status?.branch ?? "HEAD",
        newBranch,
        path: null,
      });
      // The thread works in the new worktree from its next turn on.
      await dispatch({
        type: "thread.meta.update",
        threadId,
        branch: created.worktree.branch,
        worktreePath: created.worktree.path,
      });
    });
  useEffect(() => {
    void refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cwd, revision]);
  useEffect(() => {
    const again = () => void refresh();
    window.addEventListener("focus", again);
    const stop = transport.onPush((push) => {
      if (push.channel !== "git.actionProgress") return;
      const event = progressOf(push.data, actionId.current);
      const line = event && describeProgress(event);
      if (line) setSteps((s) => s.concat(line));
    });
    return () => {
      window.removeEventListener("focus", again);
      stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cwd]);
  const run = () =>
    act(async () => {
      setSteps([]);
      actionId.current = newActionId();
      await transport.request({
        _tag: "git.runStackedAction",
        actionId: actionId.current,
        cwd,
        action,
        ...(message.trim() ? { commitMessage: message } : {}),
      });
      setMessage("");
      await loadStatus();
    });
  const files = status?.workingTree.files.length ?? 0;
  // Commit actions need changes; push and create_pr refuse uncommitted work.
  const ready = action === "push" || action === "create_pr" ? files === 0 : files > 0;
  if (!isRepo) {
    return (
      <div className="gitbar" data-testid="git-bar">
        <span className="muted">Not a git repository: no branches, commits or checkpoints here.</span>
        <button
          className="small"
          disabled={busy}
          onClick={() =>
            act(async () => {
              await transport.request({ _tag: "git.init", cwd });
              await load();
            })
          }
        >
          git init
        </button>
        {error && <span className="error">{error}</span>}
      </div>
    );
  }
  return (
    <div className="gitbar" data-testid="git-bar">
      <select
        className="branch"
        data-testid="git-branch"
        value={status?.branch ?? ""}
        onChange={(e) => void checkout(e.target.value)}
        aria-label="Branch"
        title="checkout a branch"
      >
        {!status?.branch && <option value="">no branch</option>}
        {branches.map((b) => (
          <option key={b.name} value={b.name} disabled={!!b.worktreePath && !b.current}>
            {b.name}
          </option>
        ))}
      </select>
      <button className="small" disabled={busy || !status?.branch} onClick={worktree} title="a worktree for this thread">
        worktree
      </button>
      <span className="muted" data-testid="git-changes">
        {files} changed file{files === 1 ? "" : "s"}
        {status && status.aheadCount > 0 ? ` · ${status.aheadCount} ahead` : ""}
        {status && status.behindCount > 0 ? ` · ${status.behindCount} behind` : ""}
      </span>
      {status?.pr && (
        <a href={status.pr.url} target="_blank" rel="noreferrer">
          PR #{status.pr.number}
        </a>
      )}
      <button className="small" disabled={busy} onClick={refresh}>
        refresh
      </button>
      <input className="commit-message" aria-label="Commit message" placeholder="commit message (optional)" value={message} onChange={(e) => setMessage(e.target.value)} />
      <select value={action} onChange={(e) => setAction(e.target.value)} aria-label="Git action">
        <option value="commit">Commit</option>
        <option value="commit_push">Commit & push</option>
        <option value="commit_push_pr">Commit, push & PR</option>
        <option value="push">Push</option>
        <option value="create_pr">Create PR</option>
      </select>
      <button data-testid="git-run" disabled={busy || !ready} onClick={run}>
        Go
      </button>
      {steps.length > 0 && <span className="muted" data-testid="git-steps">{steps.at(-1)}</span>}
      {error && <span className="error">{error}</span>}
    </div>
  );
}

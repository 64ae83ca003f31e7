// A turn's changed files at the end of its work in the timeline, each opening to its diff in
// place. The turn's patch is asked for once, when the first file is opened, and kept for the
// page (a finished turn's diff does not change; a revert drops the checkpoint and this row).

import { lazy, Suspense, useState } from "react";

import { transport } from "./client";
import type { CheckpointSummary } from "./protocol";
import { filePatch } from "./turnChanges";

const DiffView = lazy(() => import("./DiffView"));

const patches = new Map<string, Promise<string>>();

function turnPatch(threadId: string, count: number, ref: string): Promise<string> {
  const key = `${threadId}\u0000${count}\u0000${ref}`;
  let patch = patches.get(key);
  if (!patch) {
    patch = transport
      .request<{ diff: string }>({ _tag: "orchestration.getTurnDiff", threadId, fromTurnCount: count - 1, toTurnCount: count })
      .then((r) => r.diff);
    // A failed request is asked again next time.
    patch.catch(() => patches.delete(key));
    patches.set(key, patch);
  }
  return patch;
}

function FileRow({ threadId, checkpoint, file }: { threadId: string; checkpoint: CheckpointSummary; file: CheckpointSummary["files"][number] }) {
  const [patch, setPatch] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    if (patch !== null) return;
    turnPatch(threadId, checkpoint.checkpointTurnCount, checkpoint.checkpointRef).then(
      (whole) => setPatch(filePatch(whole, file.path)),
      (e) => setError((e as Error).message),
    );
  };
  return (
    <details className="turn-file" data-testid="turn-file" onToggle={(e) => (e.currentTarget.open ? load() : undefined)}>
      <summary>
        <span className="path">{file.path}</span> <span className="add">+{file.additions}</span>{" "}
        <span className="del">−{file.deletions}</span>
      </summary>
      {error && <div className="error">{error}</div>}
      {patch === null && !error && <div className="muted">Loading the diff…</div>}
      {patch !== null && (
        <Suspense fallback={<div className="muted">Loading the diff view…</div>}>
          <DiffView patch={patch} />
        </Suspense>
      )}
    </details>
  );
}

export function TurnFiles({ threadId, checkpoint }: { threadId: string; checkpoint: CheckpointSummary }) {
  const n = checkpoint.files.length;
  return (
    <div className="turn-files" data-testid="turn-files">
      <div className="label">
        {n} file{n === 1 ? "" : "s"} changed in turn {checkpoint.checkpointTurnCount}
      </div>
      {checkpoint.status !== "ready" ? (
        <div className="muted">The turn's checkpoint is {checkpoint.status}: no diff to show.</div>
      ) : (
        checkpoint.files.map((f) => <FileRow key={f.path} threadId={threadId} checkpoint={checkpoint} file={f} />)
      )}
    </div>
  );
}

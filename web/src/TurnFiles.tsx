// A turn's changed files at the end of its work in the timeline, each opening to its diff in
// place. The turn's patch is asked for when the first file is opened (turnPatch keeps it).

import { lazy, Suspense, useState } from "react";

import type { CheckpointSummary } from "./protocol";
import { filePatch } from "./turnChanges";
import { turnPatch } from "./turnPatch";

const DiffView = lazy(() => import("./DiffView"));

function FileRow({ threadId, checkpoint, file }: { threadId: string; checkpoint: CheckpointSummary; file: CheckpointSummary["files"][number] }) {
  const [patch, setPatch] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    if (patch !== null) return;
    turnPatch(threadId, checkpoint.checkpointTurnCount, checkpoint.turnId).then(
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

// A git patch shown file by file with line numbers (react-diff-view), unified or side by side.
// Its own module so the diff code loads only when a diff is first opened.

import { useMemo, useState } from "react";
import { Diff, Hunk, markEdits, parseDiff, tokenize, type FileData } from "react-diff-view";
import "react-diff-view/style/index.css";

function fileName(file: FileData): string {
  if (file.type === "delete") return file.oldPath;
  if (file.type === "rename" && file.oldPath !== file.newPath) return `${file.oldPath} → ${file.newPath}`;
  return file.newPath;
}

function counts(file: FileData): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of file.hunks) {
    for (const change of hunk.changes) {
      if (change.type === "insert") added++;
      if (change.type === "delete") removed++;
    }
  }
  return { added, removed };
}

function FileDiff({ file, split }: { file: FileData; split: boolean }) {
  const [open, setOpen] = useState(true);
  const { added, removed } = counts(file);
  // Word-level marks on changed line pairs; small files only, so a huge diff stays quick.
  const tokens = useMemo(() => {
    const lines = file.hunks.reduce((n, h) => n + h.changes.length, 0);
    if (lines > 2000) return undefined;
    try {
      return tokenize(file.hunks, { enhancers: [markEdits(file.hunks, { type: "block" })] });
    } catch {
      return undefined;
    }
  }, [file]);
  return (
    <section className="diff-file" data-testid="diff-file">
      <button className="diff-file-head" onClick={() => setOpen((v) => !v)} title={open ? "collapse" : "expand"}>
        <span className="path">{fileName(file)}</span>
        <span className="add">+{added}</span>
        <span className="del">−{removed}</span>
      </button>
      {open &&
        (file.hunks.length === 0 ? (
          <div className="muted">{file.isBinary ? "Binary file." : "No line changes (mode or rename only)."}</div>
        ) : (
          <Diff viewType={split ? "split" : "unified"} diffType={file.type} hunks={file.hunks} tokens={tokens}>
            {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
          </Diff>
        ))}
    </section>
  );
}

export default function DiffView({ patch }: { patch: string }) {
  const [split, setSplit] = useState(false);
  const files = useMemo(() => {
    try {
      return { files: parseDiff(patch, { nearbySequences: "zip" }), error: null };
    } catch (error) {
      return { files: [], error: `This patch could not be read: ${(error as Error).message}` };
    }
  }, [patch]);
  if (!patch.trim()) return <div className="muted">No changes.</div>;
  if (files.error) {
    return (
      <>
        <div className="error">{files.error}</div>
        <pre className="patch">{patch}</pre>
      </>
    );
  }
  return (
    <div className="diff-view" data-testid="patch">
      <label className="muted">
        <input type="checkbox" checked={split} onChange={(e) => setSplit(e.target.checked)} /> side by side
      </label>
      {files.files.map((file, i) => (
        <FileDiff key={`${i}:${fileName(file)}`} file={file} split={split} />
      ))}
    </div>
  );
}

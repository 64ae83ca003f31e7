// The declared ACP agents, editable: each is an id, the command that starts it, its arguments
// and environment. The list is saved whole (`acpInstances` replaces the server's list); the
// server checks each field and its error names the one it refused. A saved agent is probed by
// the server and then shows in the status panel and the composer's picker.

import { useEffect, useState } from "react";

import { fromDraft, toDraft, type AcpDraft, type AcpInstance } from "./acpInstances";

const EMPTY: AcpDraft = { instanceId: "", command: "", args: "", env: "" };

export function AcpInstances({ instances, onSave }: { instances: AcpInstance[]; onSave: (list: AcpInstance[]) => Promise<boolean> }) {
  const [drafts, setDrafts] = useState<AcpDraft[]>(() => instances.map(toDraft));
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A change saved elsewhere (another tab) shows here, unless this one has unsaved edits.
  const saved = JSON.stringify(instances);
  useEffect(() => {
    if (!dirty) setDrafts(instances.map(toDraft));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);
  const edit = (i: number, patch: Partial<AcpDraft>) => {
    setDirty(true);
    setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  };
  const save = async () => {
    const list: AcpInstance[] = [];
    for (const d of drafts) {
      const read = fromDraft(d);
      if ("error" in read) return setError(read.error);
      list.push(read.instance);
    }
    setError(null);
    setBusy(true);
    const ok = await onSave(list);
    setBusy(false);
    if (ok) setDirty(false);
  };
  return (
    <div className="acp-instances" data-testid="acp-instances">
      {drafts.length === 0 && <p className="muted">No ACP agents yet. Any agent that speaks ACP over stdio can be added.</p>}
      {drafts.map((d, i) => (
        <div key={i} className="acp-instance" data-testid="acp-instance">
          <label className="settings-row">
            <span className="settings-label">Id</span>
            <input value={d.instanceId} placeholder="gemini" data-testid="acp-id" onChange={(e) => edit(i, { instanceId: e.target.value })} />
          </label>
          <label className="settings-row">
            <span className="settings-label">Command</span>
            <input value={d.command} placeholder="npx" data-testid="acp-command" onChange={(e) => edit(i, { command: e.target.value })} />
          </label>
          <label className="settings-row">
            <span className="settings-label">Arguments, one per line</span>
            <textarea rows={2} value={d.args} onChange={(e) => edit(i, { args: e.target.value })} />
          </label>
          <label className="settings-row">
            <span className="settings-label">Environment, KEY=VALUE per line</span>
            <textarea rows={2} value={d.env} onChange={(e) => edit(i, { env: e.target.value })} />
          </label>
          <button
            type="button"
            className="small ghost danger"
            onClick={() => {
              setDirty(true);
              setDrafts((ds) => ds.filter((_, j) => j !== i));
            }}
          >
            Remove {d.instanceId || "this agent"}
          </button>
        </div>
      ))}
      <div className="settings-row">
        <button
          type="button"
          className="small"
          data-testid="acp-add"
          onClick={() => {
            setDirty(true);
            setDrafts((ds) => ds.concat({ ...EMPTY }));
          }}
        >
          Add an ACP agent
        </button>
        <button type="button" className="small" data-testid="acp-save" disabled={!dirty || busy} onClick={() => void save()}>
          {busy ? "Saving…" : "Save ACP agents"}
        </button>
        {dirty && <span className="muted">Unsaved changes</span>}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

// The settings page: the server's settings (ServerSettings.tsx), the keybindings, the provider
// statuses, and the signed-in sessions with revoke (same-origin HTTP with this browser's
// session cookie). Loaded on first visit to it, so it costs the first page nothing.

import { useEffect, useState, type ReactNode } from "react";

import { transport } from "./client";
import { errorText } from "./hooks";
import { ProviderStatusPanel } from "./ProviderStatusPanel";
import { ServerSettings } from "./ServerSettings";


interface Keybinding {
  key: string;
  command: string;
  when?: string;
}

function Keybindings() {
  const [list, setList] = useState<Keybinding[]>([]);
  const [draft, setDraft] = useState<Keybinding>({ key: "", command: "" });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    transport.request<{ keybindings?: Keybinding[] }>({ _tag: "server.getConfig" }).then(
      (r) => Array.isArray(r?.keybindings) && setList(r.keybindings),
      (e: unknown) => setError(`Could not load the keybindings: ${errorText(e)}`),
    );
  }, []);
  const save = () => {
    if (!draft.key.trim() || !draft.command.trim()) return setError("A keybinding needs a key and a command.");
    transport
      .request<{ keybindings?: Keybinding[]; issues?: unknown[] }>({
        _tag: "server.upsertKeybinding",
        key: draft.key.trim(),
        command: draft.command.trim(),
        ...(draft.when?.trim() ? { when: draft.when.trim() } : {}),
      })
      .then(
        (r) => {
          if (Array.isArray(r?.keybindings)) setList(r.keybindings);
          setError(r?.issues?.length ? `The server noted: ${JSON.stringify(r.issues)}` : null);
          setDraft({ key: "", command: "" });
        },
        (e: unknown) => setError(`Could not save the keybinding: ${errorText(e)}`),
      );
  };
  return (
    <div className="settings-keys">
      <table>
        <thead>
          <tr><th>Key</th><th>Command</th><th>When</th></tr>
        </thead>
        <tbody>
          {list.map((k) => (
            <tr key={`${k.key}|${k.command}|${k.when ?? ""}`}>
              <td><kbd>{k.key}</kbd></td><td>{k.command}</td><td>{k.when ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="settings-row">
        <input aria-label="key" placeholder="mod+shift+o" value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} />
        <input aria-label="command" placeholder="chat.new" value={draft.command} onChange={(e) => setDraft({ ...draft, command: e.target.value })} />
        <input aria-label="when" placeholder="when (optional)" value={draft.when ?? ""} onChange={(e) => setDraft({ ...draft, when: e.target.value })} />
        <button type="button" className="small" onClick={save}>Save keybinding</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

interface ClientSession {
  sessionId: string;
  role: string;
  method: string;
  client: { label?: string; userAgent?: string; ipAddress?: string; deviceType: string };
  issuedAt: string;
  lastConnectedAt?: string | null;
  connected: boolean;
  current: boolean;
}

async function http<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok) throw new Error(data?.error ?? `the server answered ${res.status}`);
  return data as T;
}

function Sessions() {
  const [list, setList] = useState<ClientSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    http<ClientSession[]>("/api/auth/clients").then(setList, (e: unknown) => setError(`Sessions: ${errorText(e)}`));
  useEffect(() => {
    void load();
  }, []);
  const revoke = (id: string) =>
    http("/api/auth/clients/revoke", { sessionId: id }).then(load, (e: unknown) => setError(`Could not revoke: ${errorText(e)}`));
  return (
    <div className="settings-sessions">
      {list === null && !error && <p className="muted">Loading sessions…</p>}
      <ul>
        {(list ?? []).map((s) => (
          <li key={s.sessionId} data-testid="session-row" data-current={s.current}>
            <strong>{s.client.label ?? s.client.deviceType}</strong> · {s.role} · {s.method}
            {s.connected && " · connected"}
            {s.current ? " · this browser" : (
              <button type="button" className="small" onClick={() => revoke(s.sessionId)}>Revoke</button>
            )}
            <div className="muted">{s.client.userAgent ?? ""} {s.client.ipAddress ?? ""}</div>
          </li>
        ))}
      </ul>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="settings-section" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** `theme`: the theme switch, which the top bar also uses. */
export default function SettingsPage({ onClose, theme }: { onClose?: () => void; theme?: ReactNode }) {
  return (
    <div className="settings-page" data-testid="settings-page">
      <header>
        <h1>Settings</h1>
        {onClose && <button type="button" className="small" onClick={onClose}>Back</button>}
      </header>
      <Section title="Appearance">{theme ?? <p className="muted">Theme follows the system.</p>}</Section>
      <Section title="Server">
        <ServerSettings />
      </Section>
      <ProviderStatusPanel />
      <Section title="Keybindings">
        <Keybindings />
      </Section>
      <Section title="Sessions">
        <Sessions />
      </Section>
    </div>
  );
}

// The server's settings as a form (`server.getSettings`, `server.updateSettings`, live through
// `server.settingsUpdated`): each control sends only its own key, so two tabs editing
// different settings do not undo each other. Values a server flag set are shown, not editable.

import { useMemo, useState, type ReactNode } from "react";

import { transport } from "./client";
import { errorText } from "./hooks";
import { providerLabel } from "./providers";
import { takeSettings, useProviders } from "./providerStore";
import { AcpInstances } from "./AcpInstances";
import type { AcpInstance } from "./acpInstances";

export interface ServerSettingsValue {
  enableAssistantStreaming: boolean;
  defaultThreadEnvMode: "local" | "worktree";
  textGenerationModelSelection: { provider: string; model: string };
  providers: Record<string, { enabled: boolean; binaryPath: string; customModels: string[] }>;
  acpInstances: AcpInstance[];
  voiceTranscription?: { baseUrl: string; model: string; apiKeySet: boolean };
  threadRetention?: { enabled: boolean; archiveAfterDays: number };
}

interface View {
  settings: ServerSettingsValue;
  overriddenByFlag: string[];
}

/** The server answers DP Code's settings object with t3rs's `overriddenByFlag` beside its
 * keys; `server.settingsUpdated` carries the same inside `{settings}`. */
function viewOf(answer: unknown): View | null {
  const pushed = answer as { settings?: unknown } | null;
  const a = (pushed?.settings ?? answer) as (Partial<ServerSettingsValue> & { overriddenByFlag?: unknown }) | null;
  if (!a || typeof a !== "object") return null;
  const settings = a as ServerSettingsValue;
  if (typeof settings.enableAssistantStreaming !== "boolean" || typeof settings.providers !== "object") return null;
  return { settings, overriddenByFlag: Array.isArray(a.overriddenByFlag) ? a.overriddenByFlag : [] };
}

/** The agents t3rs drives itself; DP Code's other kinds are kept but not run. */
const DRIVEN = ["codex", "claudeAgent"];

/** A text setting saved when the field is left (or Enter), and only if it changed. */
function TextSetting({
  label,
  value,
  onSave,
  testId,
  placeholder,
  disabled,
  type = "text",
}: {
  label: string;
  value: string;
  onSave: (value: string) => void;
  testId: string;
  placeholder?: string;
  disabled?: boolean;
  type?: string;
}) {
  return (
    <label className="settings-row">
      <span className="settings-label">{label}</span>
      <input
        type={type}
        defaultValue={value}
        // A pushed change replaces what is shown.
        key={value}
        placeholder={placeholder}
        disabled={disabled}
        data-testid={testId}
        onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
        onBlur={(e) => e.target.value !== value && onSave(e.target.value)}
      />
    </label>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="settings-group">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function ServerSettings() {
  // Asked for once per connection and kept live by the shared store (providerStore.ts).
  const { settings, settingsError } = useProviders();
  const view = useMemo(() => viewOf(settings), [settings]);
  const [error, setError] = useState<string | null>(null);
  const update = (patch: Record<string, unknown>): Promise<boolean> => {
    setError(null);
    return transport.request({ _tag: "server.updateSettings", ...patch }).then(
      (r) => {
        takeSettings(r);
        return true;
      },
      (e: unknown) => {
        setError(`Could not save: ${errorText(e)}`);
        return false;
      },
    );
  };
  if (!view) {
    const failed = error ?? (settingsError && `Could not load the settings: ${settingsError}`);
    return <p className="muted">{failed || "Loading settings…"}</p>;
  }
  const s = view.settings;
  const byFlag = (key: string) => view.overriddenByFlag.includes(key);
  const provider = (kind: string, patch: Record<string, unknown>) => update({ providers: { [kind]: patch } });
  const kinds = Object.keys(s.providers ?? {});
  const retention = s.threadRetention ?? { enabled: false, archiveAfterDays: 30 };
  return (
    <div className="settings-server">
      <Group title="Threads">
        <label className="settings-row">
          <input
            type="checkbox"
            checked={s.enableAssistantStreaming}
            data-testid="setting-enableAssistantStreaming"
            onChange={(e) => void update({ enableAssistantStreaming: e.target.checked })}
          />
          Show replies word by word as the agent writes them
        </label>
        <label className="settings-row">
          <span className="settings-label">New threads work in</span>
          <select
            value={s.defaultThreadEnvMode}
            data-testid="setting-defaultThreadEnvMode"
            onChange={(e) => void update({ defaultThreadEnvMode: e.target.value })}
          >
            <option value="local">the project folder</option>
            <option value="worktree">a new git worktree</option>
          </select>
        </label>
        <label className="settings-row">
          <input
            type="checkbox"
            checked={retention.enabled}
            data-testid="setting-threadRetention-enabled"
            onChange={(e) => void update({ threadRetention: { enabled: e.target.checked } })}
          />
          Archive threads idle for
          <input
            type="number"
            min={1}
            className="settings-days"
            aria-label="Days before an idle thread is archived"
            defaultValue={retention.archiveAfterDays}
            key={retention.archiveAfterDays}
            onBlur={(e) => {
              const days = Number(e.target.value);
              if (days !== retention.archiveAfterDays) void update({ threadRetention: { archiveAfterDays: days } });
            }}
          />
          days (archived, never deleted)
        </label>
        <TextSetting
          label="Titles and commit messages written by model"
          value={s.textGenerationModelSelection?.model ?? ""}
          testId="setting-textGenerationModel"
          onSave={(model) => void update({ textGenerationModelSelection: { ...s.textGenerationModelSelection, model } })}
        />
      </Group>
      <Group title="Agents">
        {kinds
          .filter((k) => DRIVEN.includes(k))
          .map((kind) => {
            const p = s.providers[kind];
            const flagged = byFlag(`providers.${kind}.binaryPath`);
            return (
              <div key={kind} className="settings-agent" data-testid={`setting-provider-${kind}`}>
                <label className="settings-row">
                  <input type="checkbox" checked={p.enabled} onChange={(e) => void provider(kind, { enabled: e.target.checked })} />
                  <strong>{providerLabel({ provider: kind })}</strong>
                </label>
                <TextSetting
                  label="Program"
                  value={p.binaryPath}
                  testId={`setting-${kind}-binaryPath`}
                  disabled={flagged}
                  onSave={(binaryPath) => void provider(kind, { binaryPath })}
                />
                {flagged && <p className="muted settings-note">Set by a flag when the server started.</p>}
                <TextSetting
                  label="Extra models (comma-separated)"
                  value={p.customModels.join(", ")}
                  testId={`setting-${kind}-customModels`}
                  placeholder="model-id, other-model"
                  onSave={(text) =>
                    void provider(kind, {
                      customModels: text
                        .split(",")
                        .map((m) => m.trim())
                        .filter(Boolean),
                    })
                  }
                />
              </div>
            );
          })}
      </Group>
      <Group title="ACP agents">
        <AcpInstances instances={s.acpInstances ?? []} onSave={(acpInstances) => update({ acpInstances })} />
      </Group>
      {s.voiceTranscription && (
        <Group title="Voice input">
          <TextSetting
            label="Transcription server (OpenAI-compatible base URL)"
            value={s.voiceTranscription.baseUrl}
            testId="setting-voice-baseUrl"
            placeholder="https://api.openai.com/v1"
            onSave={(baseUrl) => void update({ voiceTranscription: { baseUrl } })}
          />
          <TextSetting
            label="Model"
            value={s.voiceTranscription.model}
            testId="setting-voice-model"
            onSave={(model) => void update({ voiceTranscription: { model } })}
          />
          <TextSetting
            label={s.voiceTranscription.apiKeySet ? "API key (set; type a new one to replace it)" : "API key"}
            value=""
            type="password"
            testId="setting-voice-apiKey"
            onSave={(apiKey) => apiKey && void update({ voiceTranscription: { apiKey } })}
          />
        </Group>
      )}
      {error && (
        <p role="alert" className="error" data-testid="settings-error">
          {error}
        </p>
      )}
    </div>
  );
}

// The composer's provider picker, as pure functions: which providers can be chosen (and why
// not), the selection a thread starts from, and what a turn or a new thread sends.
// The server's side: `server.refreshProviders` / `server.providerStatusesUpdated` (statuses),
// `server.getSettings` (declared ACP instances), `provider.listModels` (models).

import type { Thread } from "./protocol";

/** DP Code's model selection: `instanceId` names a declared ACP instance (provider "acp"). */
export interface ModelSelection {
  provider: string;
  model: string;
  instanceId?: string;
}

export type ProviderState = "ready" | "warning" | "error";

/** DP Code's `ProviderStatus`, as the server pushes it. */
export interface ProviderStatus {
  provider: string;
  status: ProviderState;
  available: boolean;
  authStatus?: string;
  version?: string | null;
  checkedAt?: string;
  message?: string | null;
  instanceId?: string | null;
  capabilities?: Record<string, boolean>;
}

export interface ModelOption {
  slug: string;
  name: string;
}

/** One entry of the picker. */
export interface ProviderOption {
  /** Unique among the options: the provider, or `acp:<instanceId>`. */
  key: string;
  provider: string;
  instanceId?: string;
  label: string;
  /** Null until the server's first check is in. */
  status: ProviderState | null;
  message: string | null;
  /** Why it cannot be chosen, or null if it can. */
  disabled: string | null;
}

export const ACP = "acp";
/** The providers t3rs drives natively; every other kind is shown but cannot be chosen. */
const NATIVE = ["codex", "claudeAgent"];
const LABELS: Record<string, string> = { codex: "Codex", claudeAgent: "Claude Code" };

/** Models shown for codex before the server's list is in (and if it fails). */
export const CODEX_FALLBACK_MODELS: ModelOption[] = [
  { slug: "gpt-5.4", name: "GPT-5.4" },
  { slug: "gpt-5.3-codex", name: "GPT-5.3 Codex" },
  { slug: "gpt-5.3-codex-spark", name: "GPT-5.3 Codex Spark" },
];

export function selectionKey(s: { provider: string; instanceId?: string | null }): string {
  return s.provider === ACP ? `${ACP}:${s.instanceId ?? ""}` : s.provider;
}

export function providerLabel(s: { provider: string; instanceId?: string | null }): string {
  if (s.provider === ACP) return s.instanceId ? `${s.instanceId} (ACP)` : "ACP";
  return LABELS[s.provider] ?? s.provider;
}

/** The status of the agent a selection names (an ACP instance by its id). */
export function statusFor(
  statuses: ProviderStatus[],
  s: { provider: string; instanceId?: string | null },
): ProviderStatus | undefined {
  const key = selectionKey(s);
  return statuses.find((st) => selectionKey(st) === key);
}

/** Whether the agent can forget undone turns; unknown (no status yet) counts as yes, since
 * the server then says what happened in the thread. */
export function canRollBack(statuses: ProviderStatus[], s: { provider: string; instanceId?: string | null }): boolean {
  return statusFor(statuses, s)?.capabilities?.rollback !== false;
}

/** The thread's recorded selection, else codex with the thread's model. */
export function defaultSelection(thread: Pick<Thread, "model" | "modelSelection">): ModelSelection {
  const s = thread.modelSelection;
  if (s && s.provider) {
    return { provider: s.provider, model: s.model ?? "", ...(s.instanceId ? { instanceId: s.instanceId } : {}) };
  }
  return { provider: "codex", model: thread.model };
}

/** Why a provider cannot be chosen, or null if it can: a kind t3rs does not drive (with the
 * server's message), or a provider that is not available and not ready (an error, or a warning
 * such as "disabled in settings") — an error with `available` stays selectable. */
export function disabledReason(status: ProviderStatus): string | null {
  const supported = NATIVE.includes(status.provider) || status.provider === ACP;
  if (!supported) return status.message || "not supported yet";
  if (status.available || status.status === "ready") return null;
  return status.message || `${providerLabel(status)} is not available (${status.status})`;
}

/** The picker's entries: every status the server reported, in its order (codex first), plus
 * codex, declared ACP instances and the current choice if the server has not reported them. */
export function providerOptions(
  statuses: ProviderStatus[],
  acpInstances: string[],
  current: ModelSelection,
): ProviderOption[] {
  const options: ProviderOption[] = statuses.map((s) => ({
    key: selectionKey(s),
    provider: s.provider,
    ...(s.provider === ACP && s.instanceId ? { instanceId: s.instanceId } : {}),
    label: providerLabel(s),
    status: s.status,
    message: s.message ?? null,
    disabled: disabledReason(s),
  }));
  const unchecked = (provider: string, instanceId?: string): ProviderOption => ({
    key: selectionKey({ provider, instanceId }),
    provider,
    ...(instanceId ? { instanceId } : {}),
    label: providerLabel({ provider, instanceId }),
    status: null,
    message: null,
    disabled: null,
  });
  const add = (option: ProviderOption, first = false) => {
    if (options.some((o) => o.key === option.key)) return;
    if (first) options.unshift(option);
    else options.push(option);
  };
  add(unchecked("codex"), true);
  for (const id of acpInstances) add(unchecked(ACP, id));
  add(unchecked(current.provider, current.instanceId));
  return options;
}

/** The model to show after switching to `option`: the thread's own model when going back to
 * the thread's provider, else the current text if the new list has it, else the list's first. */
export function modelAfterSwitch(
  option: { provider: string; instanceId?: string },
  models: ModelOption[],
  thread: ModelSelection,
  currentModel: string,
): string {
  if (selectionKey(option) === selectionKey(thread) && thread.model) return thread.model;
  if (models.some((m) => m.slug === currentModel)) return currentModel;
  return models[0]?.slug ?? "";
}

/** What a turn start (or a thread create) carries for the choice: `modelSelection` always,
 * and v0.0.4's `model` only for codex. An empty model text falls back to `fallbackModel`. */
export function selectionFields(
  option: { provider: string; instanceId?: string },
  modelText: string,
  fallbackModel: string,
): { modelSelection: ModelSelection; model?: string } {
  // An ACP agent picks its own model; the server refuses an empty one, so say "default".
  const model = modelText.trim() || fallbackModel || (option.provider === ACP ? "default" : "");
  const modelSelection: ModelSelection = {
    provider: option.provider,
    model,
    ...(option.provider === ACP && option.instanceId ? { instanceId: option.instanceId } : {}),
  };
  return option.provider === "codex" ? { modelSelection, model: model || undefined } : { modelSelection };
}

/** The ACP instance ids in a `server.getSettings` answer (or a `server.settingsUpdated` push). */
export function acpInstanceIds(answer: unknown): string[] {
  const a = answer as { settings?: { acpInstances?: unknown }; acpInstances?: unknown } | null;
  const list = a?.settings?.acpInstances ?? a?.acpInstances;
  if (!Array.isArray(list)) return [];
  return list.map((i) => (i as { instanceId?: unknown })?.instanceId).filter((id): id is string => typeof id === "string");
}

/** The choice last made in a composer, which a new thread starts with. */
let lastChoice: ModelSelection | null = null;

export function rememberChoice(selection: ModelSelection): void {
  lastChoice = selection;
}

export function lastChosen(): ModelSelection | null {
  return lastChoice;
}

/** What `thread.create` carries: the last choice made in a composer if it was not codex, else
 * codex with the project's default model (v0.0.4's `model` is always sent: it is required). */
export function newThreadFields(
  projectModel: string | null | undefined,
  last: ModelSelection | null,
): { model: string; modelSelection: ModelSelection } {
  if (last && last.provider !== "codex" && last.model) {
    return { model: projectModel ?? "gpt-5.4", modelSelection: last };
  }
  const model = projectModel ?? last?.model ?? "gpt-5.4";
  return { model, modelSelection: { provider: "codex", model } };
}

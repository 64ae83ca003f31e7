// The composer's provider picker: a button with the chosen provider's status dot that opens
// the list of providers (those that cannot be chosen greyed, with the reason), and the model
// field with the chosen provider's models. The choice itself is the composer's state.

import { useEffect, useRef, useState } from "react";

import { transport } from "./client";
import { fixFor, readiness, readinessLabel } from "./providerStatus";
import {
  CODEX_FALLBACK_MODELS,
  providerLabel,
  selectionKey,
  type ModelOption,
  type ProviderOption,
  type ProviderStatus,
} from "./providers";

/** The models `provider.listModels` gives for the option (codex's built-in list until then). */
export function useModels(option: { provider: string; instanceId?: string }): ModelOption[] {
  const key = selectionKey(option);
  const [models, setModels] = useState<{ key: string; list: ModelOption[] } | null>(null);
  useEffect(() => {
    let live = true;
    transport
      .request<{ models?: ModelOption[] }>({
        _tag: "provider.listModels",
        provider: option.provider,
        ...(option.instanceId ? { instanceId: option.instanceId } : {}),
      })
      .then(
        (r) => live && setModels({ key, list: Array.isArray(r?.models) ? r.models : [] }),
        () => live && setModels({ key, list: [] }),
      );
    return () => {
      live = false;
    };
  }, [key]);
  const list = models?.key === key ? models.list : null;
  if (option.provider === "codex" && (!list || list.length === 0)) return CODEX_FALLBACK_MODELS;
  return list ?? [];
}

function Dot({ status, title }: { status: string | null; title: string }) {
  return <span className={`pdot pdot-${status ?? "unknown"}`} data-testid="provider-status" title={title} />;
}

function statusTitle(o: ProviderOption): string {
  if (!o.status) return "not checked yet";
  return o.message ? `${o.status}: ${o.message}` : o.status;
}

/** Why an option is not ready, with the command that fixes it when one is known. */
function OptionReason({ option, statuses }: { option: ProviderOption; statuses?: ProviderStatus[] }) {
  const status = statuses?.find((s) => selectionKey(s) === option.key);
  const fix = status ? fixFor(status) : null;
  if (fix) {
    return (
      <span className="provider-reason" data-testid="provider-fix">
        {readinessLabel(readiness(status))}: run <code>{fix.command}</code>
      </span>
    );
  }
  if (!option.disabled && !option.message) return null;
  return <span className="provider-reason">{option.disabled ?? option.message}</span>;
}

export function ProviderPicker(props: {
  /** The raw statuses, for each option's fix text (optional: the options carry the message). */
  statuses?: ProviderStatus[];
  options: ProviderOption[];
  chosen: ProviderOption;
  choose: (option: ProviderOption) => void;
  model: string;
  models: ModelOption[];
  setModel: (model: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const escape = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", escape);
    };
  }, [open]);
  const { chosen } = props;
  const listId = `models-${chosen.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return (
    <span className="provider-picker" ref={box}>
      <button
        className="small"
        data-testid="provider-picker"
        data-provider={chosen.key}
        aria-haspopup="listbox"
        aria-expanded={open}
        title={`provider: ${chosen.label} (${statusTitle(chosen)})`}
        onClick={() => setOpen((v) => !v)}
      >
        <Dot status={chosen.status} title={statusTitle(chosen)} />
        {chosen.label}
      </button>
      {open && (
        <ul className="provider-menu" role="listbox" data-testid="provider-menu">
          {props.options.map((o) => (
            <li
              key={o.key}
              role="option"
              aria-selected={o.key === chosen.key}
              aria-disabled={!!o.disabled}
              data-testid="provider-option"
              data-provider={o.key}
              data-status={o.status ?? "unknown"}
              className={`${o.disabled ? "disabled" : ""} ${o.key === chosen.key ? "chosen" : ""}`}
              title={o.disabled ?? statusTitle(o)}
              onClick={() => {
                if (o.disabled) return;
                props.choose(o);
                setOpen(false);
              }}
            >
              <Dot status={o.status} title={statusTitle(o)} />
              <span className="provider-name">{o.label}</span>
              <OptionReason option={o} statuses={props.statuses} />
            </li>
          ))}
        </ul>
      )}
      <input
        className="model"
        list={listId}
        value={props.model}
        placeholder={props.models.length === 0 ? "model" : undefined}
        onChange={(e) => props.setModel(e.target.value)}
        title={`model for ${providerLabel(chosen)}`}
        aria-label={`Model for ${providerLabel(chosen)}`}
        data-testid="model-input"
      />
      <datalist id={listId}>
        {props.models.map((m) => (
          <option key={m.slug} value={m.slug}>
            {m.name}
          </option>
        ))}
      </datalist>
    </span>
  );
}

// The provider status area: for each provider whether it is installed, its version, whether it
// is logged in, and the exact command that fixes it. Full on first run or when the chosen
// provider is not ready; a compact row of dots elsewhere.

import { useState } from "react";

import { transport } from "./client";
import { errorText } from "./hooks";
import { useProviders } from "./providerStore";
import { fixFor, isSupported, readiness, readinessLabel } from "./providerStatus";
import { providerLabel, type ProviderStatus } from "./providers";

function Row({ status }: { status: ProviderStatus }) {
  const r = readiness(status);
  const fix = fixFor(status);
  return (
    <li className={`pstatus pstatus-${r}`} data-testid="provider-status-row" data-provider={status.provider} data-readiness={r}>
      <span className={`pdot pdot-${status.status}`} aria-hidden="true" />
      <strong>{providerLabel(status)}</strong>
      <span className="pstatus-state">{readinessLabel(r)}</span>
      {status.version && <span className="pstatus-version">v{status.version}</span>}
      {fix ? (
        <p className="pstatus-fix" data-testid="provider-fix">
          {fix.text.split("`").map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}
        </p>
      ) : (
        status.message && r !== "ready" && <p className="pstatus-fix">{status.message}</p>
      )}
    </li>
  );
}

/** `compact`: one line of dots with names, for a footer; the full list otherwise. */
export function ProviderStatusPanel({ compact = false }: { compact?: boolean }) {
  // Kinds t3rs cannot drive are left out here: the picker still lists them, greyed.
  const statuses = useProviders().statuses.filter(isSupported);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const recheck = () => {
    setChecking(true);
    setError(null);
    transport
      .request({ _tag: "server.refreshProviders" })
      .then(
        () => undefined,
        (e: unknown) => setError(`Could not check the providers: ${errorText(e)}`),
      )
      .finally(() => setChecking(false));
  };
  if (compact) {
    return (
      <div className="pstatus-compact" data-testid="provider-status-compact" aria-label="provider status">
        {statuses.map((s) => {
          const r = readiness(s);
          const fix = fixFor(s);
          // A provider that is not ready says so and how to fix it even here: it is why a turn would fail.
          return (
            <span key={`${s.provider}:${s.instanceId ?? ""}`} data-readiness={r} title={fix?.text ?? `${providerLabel(s)}: ${readinessLabel(r)}`}>
              <span className={`pdot pdot-${s.status}`} aria-hidden="true" /> {providerLabel(s)}
              {fix && (
                <span className="pstatus-fix">
                  {" "}
                  {readinessLabel(r)}: run <code>{fix.command}</code>
                </span>
              )}
            </span>
          );
        })}
      </div>
    );
  }
  return (
    <section className="pstatus-panel" aria-label="Providers" data-testid="provider-status-panel">
      <h2>Providers</h2>
      {statuses.length === 0 ? (
        <p className="muted">Checking which agents are installed…</p>
      ) : (
        <ul>
          {statuses.map((s) => (
            <Row key={`${s.provider}:${s.instanceId ?? ""}`} status={s} />
          ))}
        </ul>
      )}
      <button type="button" className="small" onClick={recheck} disabled={checking}>
        {checking ? "Checking…" : "Check again"}
      </button>
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

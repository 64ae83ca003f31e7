// Asking before a turn goes to a provider known not to be ready (not installed, not logged
// in, failing its check): an in-page dialog naming the problem and its fix, with "Send
// anyway" (a provider configured another way, e.g. an API key in its config, may still work)
// and "Cancel". Once sent anyway, the same provider in the same state is not asked about again.

import { useState, type ReactNode } from "react";

import { fixFor, needsConfirm, readiness, readinessLabel } from "./providerStatus";
import { providerLabel, selectionKey, type ProviderStatus } from "./providers";

/** Provider states the person chose to send to anyway, for the page's life (every thread's
 * composer shares it: the answer is about the provider, not the thread). */
const accepted = new Set<string>();

export function useSendGuard(statuses: ProviderStatus[], choice: { provider: string; instanceId?: string }) {
  const [pending, setPending] = useState<(() => void) | null>(null);
  const status = statuses.find((s) => selectionKey(s) === selectionKey(choice));
  const stamp = status ? `${selectionKey(status)}|${readiness(status)}` : "";
  /** Runs `send` now, or after the user confirms. */
  const guard = (send: () => void) => {
    if (!needsConfirm(status) || accepted.has(stamp)) return send();
    setPending(() => send);
  };
  const dialog: ReactNode =
    pending && status ? (
      <div className="send-guard" role="alertdialog" aria-modal="true" aria-labelledby="send-guard-title" data-testid="send-guard">
        <h2 id="send-guard-title">
          {providerLabel(status)} is {readinessLabel(readiness(status))}
        </h2>
        <p>{fixFor(status)?.text ?? status.message ?? "Its last check failed."}</p>
        <div className="send-guard-actions">
          <button type="button" autoFocus onClick={() => setPending(null)}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="send-anyway"
            onClick={() => {
              accepted.add(stamp);
              const send = pending;
              setPending(null);
              send();
            }}
          >
            Send anyway
          </button>
        </div>
      </div>
    ) : null;
  return { guard, dialog };
}

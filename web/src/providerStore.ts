// Provider statuses and the server's settings (with the ACP instances they declare), shared by
// every view that shows them (top bar, composer, changes panel, settings page): asked for once
// per connection, then kept current by the server's pushes. One store, so opening a thread does
// not make the server probe every agent again, nor the settings page ask for the settings twice.

import { useSyncExternalStore } from "react";

import { transport } from "./client";
import { errorText } from "./hooks";
import { acpInstanceIds, type ProviderStatus } from "./providers";

export interface Providers {
  statuses: ProviderStatus[];
  acpInstances: string[];
  /** The server's settings: a `server.getSettings` answer, or what the last
   * `server.settingsUpdated` or `server.updateSettings` carried; null until the first is in. */
  settings: unknown;
  /** Why the last `server.getSettings` failed, if it did. */
  settingsError: string | null;
}

let current: Providers = { statuses: [], acpInstances: [], settings: null, settingsError: null };
const listeners = new Set<() => void>();
let started = false;

function update(next: Partial<Providers>): void {
  current = { ...current, ...next };
  for (const listener of listeners) listener();
}

function start(): void {
  if (started) return;
  started = true;
  transport.onOpen(() => {
    transport
      .request<{ providers?: ProviderStatus[] }>({ _tag: "server.refreshProviders" })
      .then((r) => Array.isArray(r?.providers) && update({ statuses: r.providers }), () => undefined);
    transport.request({ _tag: "server.getSettings" }).then(
      (r) => takeSettings(r),
      (e: unknown) => update({ settingsError: errorText(e) }),
    );
  });
  transport.onPush((push) => {
    const data = push.data as { providers?: ProviderStatus[] } | null;
    if (push.channel === "server.providerStatusesUpdated" && Array.isArray(data?.providers)) update({ statuses: data.providers });
    if (push.channel === "server.settingsUpdated") takeSettings(push.data);
  });
}

/** The server's settings as an answer or push carried them (`{settings}` or bare). */
export function takeSettings(settings: unknown): void {
  if (!settings || typeof settings !== "object") return;
  update({ settings, acpInstances: acpInstanceIds(settings), settingsError: null });
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Provider statuses (checked on each connection, then as the server pushes them) and the
 * declared ACP instances. */
export function useProviders(): Providers {
  return useSyncExternalStore(subscribe, () => current);
}

// Provider statuses and the declared ACP instances, shared by every view that shows them (top
// bar, composer, changes panel): asked for once per connection, then kept current by the
// server's pushes. One store, so opening a thread does not make the server probe every agent
// again.

import { useSyncExternalStore } from "react";

import { transport } from "./client";
import { acpInstanceIds, type ProviderStatus } from "./providers";

export interface Providers {
  statuses: ProviderStatus[];
  acpInstances: string[];
}

let current: Providers = { statuses: [], acpInstances: [] };
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
    transport.request({ _tag: "server.getSettings" }).then((r) => update({ acpInstances: acpInstanceIds(r) }), () => undefined);
  });
  transport.onPush((push) => {
    const data = push.data as { providers?: ProviderStatus[] } | null;
    if (push.channel === "server.providerStatusesUpdated" && Array.isArray(data?.providers)) update({ statuses: data.providers });
    if (push.channel === "server.settingsUpdated") update({ acpInstances: acpInstanceIds(push.data) });
  });
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

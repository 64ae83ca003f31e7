import { useState } from "react";

/** Runs an action, keeping the server's message (shown where the action was taken) and
 * whether it is still running. */
export function useAction(): [string | null, boolean, (run: () => Promise<unknown>) => Promise<void>] {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return [error, busy, act];
}

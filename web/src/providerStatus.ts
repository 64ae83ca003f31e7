// What a provider status means for the user: is it ready to take a turn, and if not, the
// exact thing to run to fix it. Pure, so the status area, the picker and the send guard agree.

import { providerLabel, type ProviderStatus } from "./providers";

export type Readiness = "ready" | "not-installed" | "not-logged-in" | "broken" | "unknown";

const INSTALL: Record<string, string> = {
  codex: "npm install -g @openai/codex",
  claudeAgent: "npm install -g @anthropic-ai/claude-code",
};

const LOGIN: Record<string, string> = {
  codex: "codex login",
  claudeAgent: "claude",
};

export function readiness(status: ProviderStatus | null | undefined): Readiness {
  if (!status) return "unknown";
  if (status.authStatus === "unauthenticated") return "not-logged-in";
  const message = (status.message ?? "").toLowerCase();
  if (!status.available && (message.includes("not installed") || message.includes("not on path"))) return "not-installed";
  if (status.status === "ready") return "ready";
  if (!status.available || status.status === "error") return "broken";
  return "unknown";
}

/** A short phrase for the state, as the status area shows it. */
export function readinessLabel(r: Readiness): string {
  switch (r) {
    case "ready":
      return "ready";
    case "not-installed":
      return "not installed";
    case "not-logged-in":
      return "not logged in";
    case "broken":
      return "not working";
    default:
      return "not checked";
  }
}

/** What to do about it: the command to run and a sentence around it; null when nothing is
 * needed (or nothing is known to help). */
export function fixFor(status: ProviderStatus): { command: string; text: string } | null {
  const r = readiness(status);
  const name = providerLabel(status);
  if (r === "not-installed" && INSTALL[status.provider]) {
    const command = INSTALL[status.provider];
    return { command, text: `Install ${name}: run \`${command}\` on the server's machine, then check again.` };
  }
  if (r === "not-logged-in" && LOGIN[status.provider]) {
    const command = LOGIN[status.provider];
    const text =
      status.provider === "claudeAgent"
        ? `Log in to ${name}: run \`claude\` and sign in with /login, or set ANTHROPIC_API_KEY for the server.`
        : `Log in to ${name}: run \`${command}\` on the server's machine, then check again.`;
    return { command, text };
  }
  return null;
}

/** Whether sending to this provider should ask first: it is known not to be ready. */
export function needsConfirm(status: ProviderStatus | null | undefined): boolean {
  const r = readiness(status);
  return r === "not-installed" || r === "not-logged-in" || r === "broken";
}

/** Providers t3rs can drive (the server reports other kinds too, as "not supported yet"). */
export function isSupported(status: ProviderStatus): boolean {
  return status.provider === "codex" || status.provider === "claudeAgent" || status.provider === "acp";
}

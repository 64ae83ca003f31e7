import { describe, expect, it } from "vitest";

import { fixFor, needsConfirm, readiness, readinessLabel } from "./providerStatus";
import type { ProviderStatus } from "./providers";

const codexUnauth: ProviderStatus = {
  provider: "codex",
  status: "error",
  available: true,
  authStatus: "unauthenticated",
  version: "0.111.0",
  message: "Codex CLI is not authenticated. Run `codex login` and try again.",
};

describe("provider readiness", () => {
  it("an unauthenticated codex is not logged in, fixed by codex login", () => {
    expect(readiness(codexUnauth)).toBe("not-logged-in");
    expect(readinessLabel(readiness(codexUnauth))).toBe("not logged in");
    expect(fixFor(codexUnauth)?.command).toBe("codex login");
    expect(needsConfirm(codexUnauth)).toBe(true);
  });

  it("a missing CLI is not installed, fixed by the npm install command", () => {
    const s: ProviderStatus = {
      provider: "codex",
      status: "error",
      available: false,
      authStatus: "unknown",
      message: "Codex CLI (`codex`) is not installed or not on PATH.",
    };
    expect(readiness(s)).toBe("not-installed");
    expect(fixFor(s)?.command).toBe("npm install -g @openai/codex");
  });

  it("an unauthenticated Claude names claude and ANTHROPIC_API_KEY", () => {
    const s: ProviderStatus = { provider: "claudeAgent", status: "error", available: true, authStatus: "unauthenticated" };
    expect(fixFor(s)?.text).toContain("ANTHROPIC_API_KEY");
    expect(fixFor(s)?.command).toBe("claude");
  });

  it("a ready provider needs no fix and no confirm; an unchecked one is unknown", () => {
    const s: ProviderStatus = { provider: "codex", status: "ready", available: true, authStatus: "authenticated" };
    expect(readiness(s)).toBe("ready");
    expect(fixFor(s)).toBeNull();
    expect(needsConfirm(s)).toBe(false);
    expect(readiness(undefined)).toBe("unknown");
    expect(needsConfirm(undefined)).toBe(false);
  });

  it("a warning that is still available is not treated as broken", () => {
    const s: ProviderStatus = { provider: "codex", status: "warning", available: true, authStatus: "unknown" };
    expect(readiness(s)).toBe("unknown");
    expect(needsConfirm(s)).toBe(false);
  });
});

describe("supported providers", () => {
  it("codex, Claude and ACP instances are shown; other kinds are not", async () => {
    const { isSupported } = await import("./providerStatus");
    expect(isSupported({ provider: "codex", status: "ready", available: true })).toBe(true);
    expect(isSupported({ provider: "acp", instanceId: "x", status: "ready", available: true })).toBe(true);
    expect(isSupported({ provider: "cursor", status: "error", available: false })).toBe(false);
  });
});

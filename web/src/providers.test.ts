import { describe, expect, it } from "vitest";

import { applyEvent } from "./model";
import {
  acpInstanceIds,
  canRollBack,
  defaultSelection,
  disabledReason,
  modelAfterSwitch,
  newThreadFields,
  providerOptions,
  selectionFields,
  type ProviderStatus,
} from "./providers";
import { created, empty, event } from "./testing";

const status = (provider: string, s: ProviderStatus["status"], available: boolean, extra: Partial<ProviderStatus> = {}): ProviderStatus => ({
  provider, status: s, available, authStatus: "unknown", checkedAt: "2026-01-01T00:00:00Z", capabilities: {}, ...extra,
});

describe("canRollBack", () => {
  const statuses = [
    status("codex", "ready", true, { capabilities: { rollback: true } }),
    status("acp", "ready", true, { instanceId: "gemini", capabilities: { rollback: false } }),
    status("acp", "ready", true, { instanceId: "other", capabilities: { rollback: true } }),
  ];
  it("reads the capability of the thread's own agent, an ACP instance by its id", () => {
    expect(canRollBack(statuses, { provider: "codex" })).toBe(true);
    expect(canRollBack(statuses, { provider: "acp", instanceId: "gemini" })).toBe(false);
    expect(canRollBack(statuses, { provider: "acp", instanceId: "other" })).toBe(true);
  });
  it("counts an agent with no status yet as able (the server reports what happened)", () => {
    expect(canRollBack([], { provider: "claudeAgent" })).toBe(true);
  });
});

describe("defaultSelection", () => {
  it("is the thread's modelSelection when it has one", () => {
    expect(defaultSelection({ model: "gpt-5.4", modelSelection: { provider: "claudeAgent", model: "claude-sonnet-4-5" } }))
      .toEqual({ provider: "claudeAgent", model: "claude-sonnet-4-5" });
    expect(defaultSelection({ model: "x", modelSelection: { provider: "acp", model: "m", instanceId: "codex-acp" } }))
      .toEqual({ provider: "acp", model: "m", instanceId: "codex-acp" });
  });
  it("is codex with the thread's model otherwise", () => {
    expect(defaultSelection({ model: "gpt-5.3-codex" })).toEqual({ provider: "codex", model: "gpt-5.3-codex" });
    expect(defaultSelection({ model: "gpt-5.4", modelSelection: null })).toEqual({ provider: "codex", model: "gpt-5.4" });
  });
});

describe("selectionFields (what a turn start sends)", () => {
  it("sends v0.0.4's model beside modelSelection only for codex", () => {
    expect(selectionFields({ provider: "codex" }, " gpt-5.4 ", "x")).toEqual({
      modelSelection: { provider: "codex", model: "gpt-5.4" }, model: "gpt-5.4",
    });
    expect(selectionFields({ provider: "claudeAgent" }, "claude-opus-4-1", "")).toEqual({
      modelSelection: { provider: "claudeAgent", model: "claude-opus-4-1" },
    });
  });
  it("names the ACP instance, and falls back to the given model when the field is empty", () => {
    expect(selectionFields({ provider: "acp", instanceId: "codex-acp" }, "", "default")).toEqual({
      modelSelection: { provider: "acp", model: "default", instanceId: "codex-acp" },
    });
    expect(selectionFields({ provider: "codex" }, "  ", "gpt-5.3-codex").model).toBe("gpt-5.3-codex");
  });
  it("never sends an empty model for an ACP instance (the server would refuse it)", () => {
    expect(selectionFields({ provider: "acp", instanceId: "codex-acp" }, " ", "").modelSelection.model).toBe("default");
  });
});

describe("disabledReason", () => {
  it("lets ready and warning providers be chosen", () => {
    expect(disabledReason(status("codex", "ready", true))).toBeNull();
    expect(disabledReason(status("claudeAgent", "warning", true, { message: "not signed in?" }))).toBeNull();
  });
  it("lets an errored provider be chosen only if it is available", () => {
    expect(disabledReason(status("claudeAgent", "error", true, { message: "auth failed" }))).toBeNull();
    expect(disabledReason(status("claudeAgent", "error", false, { message: "Claude Code CLI is not installed" })))
      .toBe("Claude Code CLI is not installed");
    expect(disabledReason(status("codex", "error", false))).toBe("Codex is not available (error)");
  });
  it("disables a provider disabled in settings, and kinds t3rs does not drive, with the server's words", () => {
    expect(disabledReason(status("codex", "warning", false, { message: "disabled in settings" }))).toBe("disabled in settings");
    expect(disabledReason(status("gemini", "error", false, { message: "not supported yet" }))).toBe("not supported yet");
    expect(disabledReason(status("opencode", "ready", true))).toBe("not supported yet");
  });
  it("treats ACP instances like native providers", () => {
    expect(disabledReason(status("acp", "warning", true, { instanceId: "codex-acp" }))).toBeNull();
    expect(disabledReason(status("acp", "error", false, { instanceId: "x", message: "`x` is not found on PATH" })))
      .toBe("`x` is not found on PATH");
  });
});

describe("providerOptions", () => {
  const statuses = [
    status("codex", "ready", true),
    status("claudeAgent", "error", false, { message: "not installed" }),
    status("gemini", "error", false, { message: "not supported yet" }),
    status("acp", "warning", true, { instanceId: "codex-acp", message: "found" }),
  ];
  it("lists the server's statuses in order, keyed by provider or ACP instance", () => {
    const options = providerOptions(statuses, ["codex-acp"], { provider: "codex", model: "gpt-5.4" });
    expect(options.map((o) => [o.key, o.status, o.disabled])).toEqual([
      ["codex", "ready", null],
      ["claudeAgent", "error", "not installed"],
      ["gemini", "error", "not supported yet"],
      ["acp:codex-acp", "warning", null],
    ]);
    expect(options[3].label).toBe("codex-acp (ACP)");
  });
  it("shows codex, declared instances and the current choice before the server has checked them", () => {
    const options = providerOptions([], ["claude-agent-acp"], { provider: "claudeAgent", model: "m" });
    expect(options.map((o) => [o.key, o.status, o.disabled])).toEqual([
      ["codex", null, null],
      ["acp:claude-agent-acp", null, null],
      ["claudeAgent", null, null],
    ]);
  });
});

describe("modelAfterSwitch", () => {
  const models = [{ slug: "a", name: "A" }, { slug: "b", name: "B" }];
  it("goes back to the thread's model on the thread's provider", () => {
    expect(modelAfterSwitch({ provider: "codex" }, models, { provider: "codex", model: "gpt-5.4" }, "b")).toBe("gpt-5.4");
  });
  it("keeps a model the new list has, else takes its first, else empty", () => {
    expect(modelAfterSwitch({ provider: "claudeAgent" }, models, { provider: "codex", model: "x" }, "b")).toBe("b");
    expect(modelAfterSwitch({ provider: "claudeAgent" }, models, { provider: "codex", model: "x" }, "z")).toBe("a");
    expect(modelAfterSwitch({ provider: "acp", instanceId: "i" }, [], { provider: "codex", model: "x" }, "z")).toBe("");
  });
});

describe("newThreadFields (what thread.create sends)", () => {
  it("is codex with the project's model by default", () => {
    expect(newThreadFields("gpt-5.3-codex", null)).toEqual({
      model: "gpt-5.3-codex", modelSelection: { provider: "codex", model: "gpt-5.3-codex" },
    });
    expect(newThreadFields(null, null).model).toBe("gpt-5.4");
  });
  it("carries the provider last chosen in a composer", () => {
    const last = { provider: "claudeAgent", model: "claude-sonnet-4-5" };
    expect(newThreadFields("gpt-5.4", last)).toEqual({ model: "gpt-5.4", modelSelection: last });
  });
});

describe("acpInstanceIds", () => {
  it("reads getSettings' answer and the settingsUpdated push", () => {
    const settings = { acpInstances: [{ instanceId: "codex-acp", command: "codex-acp" }, { command: "bad" }] };
    expect(acpInstanceIds({ settings })).toEqual(["codex-acp"]);
    expect(acpInstanceIds(settings)).toEqual(["codex-acp"]);
    expect(acpInstanceIds(null)).toEqual([]);
  });
});

describe("the thread's modelSelection in the read model", () => {
  it("comes from thread.created and follows a turn's selection", () => {
    let m = created.reduce(applyEvent, empty());
    const id = m.threads[0].id;
    expect(m.threads[0].modelSelection ?? null).toBeNull();
    m = applyEvent(m, event(90, "thread.turn-start-requested", {
      threadId: id, messageId: "m", modelSelection: { provider: "claudeAgent", model: "claude-sonnet-4-5" }, createdAt: "2026-01-01T00:00:00Z",
    }));
    expect(defaultSelection(m.threads[0])).toEqual({ provider: "claudeAgent", model: "claude-sonnet-4-5" });
  });
});

import { describe, expect, it } from "vitest";

import { describeProgress, progressOf } from "./gitProgress";

const base = { actionId: "a1", cwd: "/r", action: "commit_push" as const };

describe("git.actionProgress", () => {
  it("takes only this action's events", () => {
    expect(progressOf({ ...base, kind: "action_finished", result: {} }, "a1")?.kind).toBe("action_finished");
    expect(progressOf({ ...base, kind: "action_finished", result: {} }, "a2")).toBeNull();
    expect(progressOf({ step: "commit", status: "started" }, "a1")).toBeNull();
    expect(progressOf(null, "a1")).toBeNull();
  });

  it("says what is happening, hooks included", () => {
    expect(describeProgress({ ...base, kind: "action_started", phases: ["commit", "push"] })).toBe("Starting: commit → push");
    expect(describeProgress({ ...base, kind: "phase_started", phase: "push", label: "Pushing..." })).toBe("Pushing...");
    expect(describeProgress({ ...base, kind: "hook_started", hookName: "pre-commit" })).toBe("Running pre-commit hook...");
    expect(describeProgress({ ...base, kind: "hook_output", hookName: "pre-commit", stream: "stderr", text: "lint failed" })).toBe(
      "pre-commit: lint failed",
    );
    expect(describeProgress({ ...base, kind: "hook_output", hookName: null, stream: "stdout", text: "[main 1] x" })).toBeNull();
    expect(describeProgress({ ...base, kind: "hook_finished", hookName: "pre-commit", exitCode: 1, durationMs: 5 })).toBe(
      "pre-commit hook exited with 1",
    );
    expect(describeProgress({ ...base, kind: "action_failed", phase: "commit", message: "commit failed: lint failed" })).toBe(
      "Failed (commit): commit failed: lint failed",
    );
    expect(describeProgress({ ...base, kind: "action_finished", result: {} })).toBe("Done");
  });
});

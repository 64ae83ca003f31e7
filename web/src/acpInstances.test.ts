import { describe, expect, it } from "vitest";

import { fromDraft, toDraft } from "./acpInstances";

describe("ACP agent drafts", () => {
  const instance = { instanceId: "gemini", command: "npx", args: ["-y", "gemini --acp"], env: { A: "1", B: "x=y" } };
  it("round-trip: arguments one per line (spaces kept), env as KEY=VALUE", () => {
    const draft = toDraft(instance);
    expect(draft.args).toBe("-y\ngemini --acp");
    expect(draft.env).toBe("A=1\nB=x=y");
    expect(fromDraft(draft)).toEqual({ instance });
  });
  it("drops blank lines and trims the id and command", () => {
    expect(fromDraft({ instanceId: " a ", command: " run ", args: "\n x \n\n", env: "\n" })).toEqual({
      instance: { instanceId: "a", command: "run", args: ["x"], env: {} },
    });
  });
  it("names an environment line it cannot read", () => {
    const out = fromDraft({ instanceId: "a", command: "run", args: "", env: "NOEQUALS" });
    expect(out).toEqual({ error: 'a: environment line "NOEQUALS" is not KEY=VALUE' });
  });
});

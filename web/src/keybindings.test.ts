import { describe, expect, it } from "vitest";

import { CLIENT_BINDINGS, commandFor, type Binding } from "./keybindings";

const shortcut = (key: string, extra: Partial<Binding["shortcut"]> = {}) => ({
  key, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, modKey: true, ...extra,
});
const key = (k: string, extra: Partial<{ metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, ...extra,
});

const bindings: Binding[] = [
  { command: "terminal.toggle", shortcut: shortcut("j") },
  { command: "terminal.split", shortcut: shortcut("d"), whenAst: { type: "identifier", name: "terminalFocus" } },
  { command: "diff.toggle", shortcut: shortcut("d"), whenAst: { type: "not", node: { type: "identifier", name: "terminalFocus" } } },
];

describe("keybindings", () => {
  it("mod is Ctrl off macOS and Cmd on it", () => {
    expect(commandFor(bindings, key("j", { ctrlKey: true }), {}, false)).toBe("terminal.toggle");
    expect(commandFor(bindings, key("j", { metaKey: true }), {}, false)).toBeNull();
    expect(commandFor(bindings, key("j", { metaKey: true }), {}, true)).toBe("terminal.toggle");
  });

  it("when-clauses pick between bindings of one key", () => {
    expect(commandFor(bindings, key("d", { ctrlKey: true }), { terminalFocus: true }, false)).toBe("terminal.split");
    expect(commandFor(bindings, key("d", { ctrlKey: true }), { terminalFocus: false }, false)).toBe("diff.toggle");
    expect(commandFor(bindings, key("d", { ctrlKey: true, shiftKey: true }), {}, false)).toBeNull();
  });

  it("mod+k opens the palette unless a server binding takes the keys", () => {
    const all = [...CLIENT_BINDINGS, ...bindings];
    expect(commandFor(all, key("k", { ctrlKey: true }), {}, false)).toBe("palette.toggle");
    expect(commandFor(all, key("j", { ctrlKey: true }), {}, false)).toBe("terminal.toggle");
    const taken = [...all, { command: "other", shortcut: shortcut("k") }];
    expect(commandFor(taken, key("k", { ctrlKey: true }), {}, false)).toBe("other");
  });
});

// Keybindings from `server.getConfig` (already parsed by the server into shortcuts and `when`
// trees), matched against key events. "mod" is Cmd on macOS and Ctrl elsewhere.

export interface Shortcut {
  key: string;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  modKey: boolean;
}

export type When =
  | { type: "identifier"; name: string }
  | { type: "not"; node: When }
  | { type: "and"; left: When; right: When }
  | { type: "or"; left: When; right: When };

export interface Binding {
  command: string;
  shortcut: Shortcut;
  whenAst?: When;
}

export interface KeyLike {
  key: string;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function evaluate(when: When | undefined, context: Record<string, boolean>): boolean {
  if (!when) return true;
  switch (when.type) {
    case "identifier":
      return context[when.name] === true;
    case "not":
      return !evaluate(when.node, context);
    case "and":
      return evaluate(when.left, context) && evaluate(when.right, context);
    case "or":
      return evaluate(when.left, context) || evaluate(when.right, context);
  }
}

export function matches(s: Shortcut, e: KeyLike, isMac: boolean): boolean {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const wantMeta = s.metaKey || (s.modKey && isMac);
  const wantCtrl = s.ctrlKey || (s.modKey && !isMac);
  return (
    e.key.toLowerCase() === s.key.toLowerCase() &&
    e.metaKey === wantMeta &&
    e.ctrlKey === wantCtrl &&
    e.shiftKey === s.shiftKey &&
    e.altKey === s.altKey &&
    (!s.modKey || mod)
  );
}

/** The command a key event triggers, the last matching binding winning (as in the reference). */
export function commandFor(
  bindings: Binding[],
  event: KeyLike,
  context: Record<string, boolean>,
  isMac: boolean,
): string | null {
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i];
    if (matches(b.shortcut, event, isMac) && evaluate(b.whenAst, context)) return b.command;
  }
  return null;
}

/** The client's own bindings, placed before the server's so a server binding of the same keys
 * wins (the last match does): mod+k opens the command palette. */
export const CLIENT_BINDINGS: Binding[] = [
  {
    command: "palette.toggle",
    shortcut: { key: "k", metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, modKey: true },
  },
];

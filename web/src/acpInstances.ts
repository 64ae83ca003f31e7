// The ACP agents editor's text forms: arguments one per line, the environment as KEY=VALUE
// lines, read back into what `server.updateSettings` takes. The server checks every field
// (ids, lengths, variable names) and names the one it refuses; these only shape the text.

export interface AcpInstance {
  instanceId: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface AcpDraft {
  instanceId: string;
  command: string;
  args: string;
  env: string;
}

export function toDraft(i: AcpInstance): AcpDraft {
  return {
    instanceId: i.instanceId,
    command: i.command,
    args: i.args.join("\n"),
    env: Object.entries(i.env)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
  };
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The instance a draft says, or the line that cannot be read (an env line without "="). */
export function fromDraft(d: AcpDraft): { instance: AcpInstance } | { error: string } {
  const env: Record<string, string> = {};
  for (const line of lines(d.env)) {
    const at = line.indexOf("=");
    if (at <= 0) return { error: `${d.instanceId || "new agent"}: environment line "${line}" is not KEY=VALUE` };
    env[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return { instance: { instanceId: d.instanceId.trim(), command: d.command.trim(), args: lines(d.args), env } };
}

// The app's one connection and its synchronised read model, plus command helpers.

import type { InteractionMode, RuntimeMode } from "./protocol";
import { lastChosen, newThreadFields, type ModelSelection } from "./providers";
import { socketUrl, takeEarly } from "./early";
import { Sync } from "./sync";
import { Transport } from "./transport";

// A revoked session: reloading shows the sign-in page the server gives an unsigned browser.
export const transport = new Transport({
  url: socketUrl(),
  early: takeEarly(),
  onSignedOut: () => window.location.reload(),
});
export const sync = new Sync(transport);

export function newId(): string {
  return crypto.randomUUID();
}

export function now(): string {
  return new Date().toISOString();
}

/** Dispatches a client command; resolves with its sequence, rejects with the server's words. */
export function dispatch(command: { type: string; [key: string]: unknown }): Promise<unknown> {
  return transport.request({
    _tag: "orchestration.dispatchCommand",
    command: { commandId: newId(), ...command },
  });
}

export interface TurnOptions {
  threadId: string;
  text: string;
  runtimeMode: RuntimeMode;
  interactionMode: InteractionMode;
  model?: string;
  /** DP Code's selection; `model` (v0.0.4's) is sent beside it only for codex. */
  modelSelection?: ModelSelection;
  reasoningEffort?: string;
  /** While a turn runs: after it ("queue", the server's default) or into it ("steer"). */
  dispatchMode?: "queue" | "steer";
  attachments?: Array<{ type: "image"; name: string; mimeType: string; sizeBytes: number; dataUrl: string }>;
}

export function startTurn(o: TurnOptions): Promise<unknown> {
  return dispatch({
    type: "thread.turn.start",
    threadId: o.threadId,
    message: { messageId: newId(), role: "user", text: o.text, attachments: o.attachments ?? [] },
    model: o.model,
    ...(o.modelSelection ? { modelSelection: o.modelSelection } : {}),
    ...(o.reasoningEffort ? { modelOptions: { codex: { reasoningEffort: o.reasoningEffort } } } : {}),
    assistantDeliveryMode: "streaming",
    runtimeMode: o.runtimeMode,
    interactionMode: o.interactionMode,
    ...(o.dispatchMode === "steer" ? { dispatchMode: "steer" } : {}),
    createdAt: now(),
  });
}

/** Creates a thread in the project, with the project's model (or the provider last chosen in a
 * composer); resolves with its id. */
export async function createThread(project: { id: string; defaultModel?: string | null }): Promise<string> {
  const threadId = newId();
  await dispatch({
    type: "thread.create",
    threadId,
    projectId: project.id,
    title: "New thread",
    ...newThreadFields(project.defaultModel, lastChosen()),
    runtimeMode: "full-access",
    interactionMode: "default",
    branch: null,
    worktreePath: null,
    createdAt: now(),
  });
  return threadId;
}

// The composer: the message, images (picked, pasted or dropped), the thread's modes, model and
// reasoning effort, the provider and model (the picker by Send), and interrupt / stop while the
// agent works.

import { useEffect, useRef, useState } from "react";

import { COMPOSER_PREFILL } from "./ThreadStatus";

import { dispatch, now, startTurn } from "./client";
import { askNotificationPermission, useAction } from "./hooks";
import { isTurnRunning } from "./model";
import type { Thread } from "./protocol";
import { ProviderPicker, useModels } from "./ProviderPicker";
import { useProviders } from "./providerStore";
import { useSendGuard } from "./SendGuard";
import {
  defaultSelection,
  modelAfterSwitch,
  providerOptions,
  rememberChoice,
  selectionFields,
  selectionKey,
  type ProviderOption,
} from "./providers";

const MAX_IMAGES = 8;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export function Composer({ thread }: { thread: Thread }) {
  const [text, setText] = useState("");
  const [images, setImages] = useState<Array<{ name: string; mimeType: string; sizeBytes: number; dataUrl: string }>>([]);
  // The thread's selection (or codex with its model) until the user picks another.
  const initial = defaultSelection(thread);
  const [choice, setChoice] = useState<{ provider: string; instanceId?: string }>(initial);
  const [model, setModel] = useState(initial.model);
  const { statuses, acpInstances } = useProviders();
  const options = providerOptions(statuses, acpInstances, { ...choice, model });
  const chosen: ProviderOption = options.find((o) => o.key === selectionKey(choice)) ?? options[0];
  const models = useModels(choice);
  const choose = (o: ProviderOption) => {
    const next = { provider: o.provider, ...(o.instanceId ? { instanceId: o.instanceId } : {}) };
    setChoice(next);
    if (selectionKey(next) === selectionKey(choice)) return;
    // Back to the thread's own provider: its model; else empty until the new list is in (below).
    const now = modelAfterSwitch(next, [], initial, "");
    fill.current = !now;
    setModel(now);
  };
  // Filled once from the new provider's list, unless the user typed a model meanwhile.
  const fill = useRef(false);
  useEffect(() => {
    if (fill.current && models.length > 0) {
      fill.current = false;
      setModel(modelAfterSwitch(choice, models, initial, ""));
    }
  }, [models]);
  const typeModel = (value: string) => {
    fill.current = false;
    setModel(value);
  };
  const [effort, setEffort] = useState("");
  const [error, , act] = useAction();
  const running = isTurnRunning(thread);
  const picker = useRef<HTMLInputElement>(null);

  const addFiles = (files: FileList | File[]) =>
    act(async () => {
      const list = Array.from(files);
      const other = list.find((f) => !f.type.startsWith("image/"));
      if (other) throw new Error(`${other.name} is not an image: only images can be attached.`);
      if (images.length + list.length > MAX_IMAGES) throw new Error(`At most ${MAX_IMAGES} images per turn.`);
      const added: Array<{ name: string; mimeType: string; sizeBytes: number; dataUrl: string }> = [];
      for (const file of list) {
        if (file.size > MAX_IMAGE_BYTES) throw new Error(`${file.name} is larger than 10 MB.`);
        const dataUrl = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(new Error(`${file.name} could not be read.`));
          reader.readAsDataURL(file);
        });
        added.push({ name: file.name, mimeType: file.type, sizeBytes: file.size, dataUrl });
      }
      setImages((now) => now.concat(added));
    });

  // A follow-up prepared elsewhere (Refine on a proposed plan) lands here, focused, to edit.
  useEffect(() => {
    const take = (e: Event) => {
      setText((e as CustomEvent<string>).detail);
      document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]')?.focus();
    };
    window.addEventListener(COMPOSER_PREFILL, take);
    return () => window.removeEventListener(COMPOSER_PREFILL, take);
  }, []);

  // While a turn runs a message either waits for it (queue) or joins it (steer, where the
  // agent can take one).
  const canSteer = statuses.find((st) => st.provider === (thread.session?.providerName ?? choice.provider))
    ?.capabilities?.steer === true;
  // A provider known not to be ready is asked about first (once per provider and state).
  const { guard, dialog } = useSendGuard(statuses, choice);
  const send = (dispatchMode?: "queue" | "steer") => guard(() => void sendNow(dispatchMode));
  const sendNow = (dispatchMode?: "queue" | "steer") =>
    act(async () => {
      if (!text.trim() && images.length === 0) return;
      const fields = selectionFields(choice, model, selectionKey(choice) === selectionKey(initial) ? initial.model : "");
      await startTurn({
        threadId: thread.id,
        text,
        runtimeMode: thread.runtimeMode,
        interactionMode: thread.interactionMode,
        ...fields,
        reasoningEffort: effort || undefined,
        dispatchMode,
        attachments: images.map((i) => ({ type: "image" as const, ...i })),
      });
      rememberChoice(fields.modelSelection);
      askNotificationPermission();
      setText("");
      setImages([]);
    });

  // The thread's modes are recorded on the thread (they win over a turn's), so the toggles
  // show what the server holds and flip once it has it.
  const setInteraction = (mode: "plan" | "default") =>
    act(() =>
      dispatch({ type: "thread.interaction-mode.set", threadId: thread.id, interactionMode: mode, createdAt: now() }),
    );
  const setMode = (mode: "approval-required" | "full-access") =>
    act(() => dispatch({ type: "thread.runtime-mode.set", threadId: thread.id, runtimeMode: mode, createdAt: now() }));

  return (
    <div
      className="composer"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void addFiles(e.dataTransfer.files);
      }}
    >
      {dialog}
      <textarea
        data-testid="composer"
        aria-label="Message"
        placeholder={`Ask ${chosen ? chosen.label : "codex"}…`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onPaste={(e) => e.clipboardData.files.length > 0 && void addFiles(e.clipboardData.files)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {images.length > 0 && (
        <div className="images" data-testid="composer-images">
          {images.map((image, i) => (
            <span key={`${i}:${image.name}`} className="thumb">
              <img src={image.dataUrl} alt={image.name} title={image.name} />
              <button
                className="small"
                title={`Remove ${image.name}`}
                onClick={() => setImages((now) => now.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="controls">
        <Toggle
          testId="approval-toggle"
          label="ask before acting"
          on={thread.runtimeMode === "approval-required"}
          set={(on) => void setMode(on ? "approval-required" : "full-access")}
        />
        <Toggle
          testId="plan-toggle"
          label="plan mode"
          on={thread.interactionMode === "plan"}
          set={(on) => void setInteraction(on ? "plan" : "default")}
        />
        <select value={effort} onChange={(e) => setEffort(e.target.value)} title="reasoning effort" aria-label="Reasoning effort">
          <option value="">default effort</option>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
          <option value="xhigh">xhigh</option>
        </select>
        <input
          ref={picker}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="image-input"
          onChange={(e) => {
            if (e.target.files) void addFiles(e.target.files);
            e.target.value = "";
          }}
        />
        <button className="small" onClick={() => picker.current?.click()} title="Attach images (or paste or drop them)">
          attach image
        </button>
        <span className="spacer" />
        {running && (
          <button
            onClick={() =>
              act(() => dispatch({ type: "thread.turn.interrupt", threadId: thread.id, createdAt: now() }))
            }
          >
            Interrupt
          </button>
        )}
        {thread.session && thread.session.status !== "stopped" && (
          <button
            onClick={() => act(() => dispatch({ type: "thread.session.stop", threadId: thread.id, createdAt: now() }))}
          >
            Stop
          </button>
        )}
        <ProviderPicker
          statuses={statuses}
          options={options}
          chosen={chosen}
          choose={choose}
          model={model}
          models={models}
          setModel={typeModel}
        />
        {running ? (
          <>
            {canSteer && (
              <button data-testid="steer" title="Send into the running turn" onClick={() => void send("steer")}>
                Steer
              </button>
            )}
            <button className="primary" data-testid="queue" title="Send when the running turn ends" onClick={() => void send("queue")}>
              Queue
            </button>
          </>
        ) : (
          <button className="primary" data-testid="send" onClick={() => void send()}>
            Send
          </button>
        )}
      </div>
      {error && <div className="error">{error}</div>}
    </div>
  );
}

function Toggle(props: { testId: string; label: string; on: boolean; set: (on: boolean) => void }) {
  return (
    <label>
      <input type="checkbox" data-testid={props.testId} checked={props.on} onChange={(e) => props.set(e.target.checked)} />
      {props.label}
    </label>
  );
}

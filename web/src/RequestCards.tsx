// The agent's open requests as cards: an approval (accept, for the session, decline, cancel) or
// questions with options. A card takes the focus when it appears so the keyboard answers it:
// number keys choose, Escape declines an approval.

import { useEffect, useRef } from "react";

import { dispatch, now } from "./client";
import { useAction } from "./hooks";
import type { Activity } from "./protocol";

const DECISIONS: Array<[string, string]> = [
  ["accept", "Accept"],
  ["acceptForSession", "Accept for session"],
  ["decline", "Decline"],
  ["cancel", "Cancel"],
];

function useCardFocus() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function PendingRequest({ threadId, request }: { threadId: string; request: Activity }) {
  const [error, , act] = useAction();
  const card = useCardFocus();
  const requestId = String(request.payload?.requestId ?? "");
  if (request.kind === "approval.requested") {
    const decide = (decision: string) =>
      act(() => dispatch({ type: "thread.approval.respond", threadId, requestId, decision, createdAt: now() }));
    return (
      <div
        className="card approval"
        data-testid="approval-card"
        ref={card}
        tabIndex={-1}
        role="group"
        aria-label={request.summary}
        onKeyDown={(e) => {
          const choice = e.key === "Escape" ? "decline" : DECISIONS[Number(e.key) - 1]?.[0];
          if (!choice || e.altKey || e.ctrlKey || e.metaKey) return;
          e.preventDefault();
          void decide(choice);
        }}
      >
        <div className="label">{request.summary}</div>
        {request.payload?.detail && <pre>{String(request.payload.detail)}</pre>}
        <div className="buttons">
          {DECISIONS.map(([decision, label], i) => (
            <button key={decision} aria-keyshortcuts={String(i + 1)} title={`Key ${i + 1}`} onClick={() => decide(decision)}>
              {label}
            </button>
          ))}
        </div>
        <div className="card-keys muted">Keys 1–4 choose; Escape declines.</div>
        {error && <div className="error">{error}</div>}
      </div>
    );
  }
  const questions: Array<{ id: string; question: string; options?: Array<{ label: string }> }> =
    request.payload?.questions ?? [];
  const answer = (questionId: string, label: string) =>
    act(() =>
      dispatch({
        type: "thread.user-input.respond",
        threadId,
        requestId,
        answers: { [questionId]: label },
        createdAt: now(),
      }),
    );
  return (
    <div
      className="card question"
      data-testid="question-card"
      ref={card}
      tabIndex={-1}
      role="group"
      aria-label="The agent asks"
      onKeyDown={(e) => {
        // Number keys pick an option when there is one question to answer.
        const only = questions.length === 1 ? questions[0] : null;
        const option = only?.options?.[Number(e.key) - 1];
        if (!only || !option || e.altKey || e.ctrlKey || e.metaKey) return;
        e.preventDefault();
        void answer(only.id, option.label);
      }}
    >
      {questions.map((q) => (
        <div key={q.id}>
          <div className="label">{q.question}</div>
          <div className="buttons">
            {(q.options ?? []).map((o, i) => (
              <button
                key={o.label}
                aria-keyshortcuts={questions.length === 1 ? String(i + 1) : undefined}
                onClick={() => answer(q.id, o.label)}
              >
                {o.label}
              </button>
            ))}
          </div>
        </div>
      ))}
      {error && <div className="error">{error}</div>}
    </div>
  );
}

// The thread's messages and the work between them, virtualised: only the rows on screen (plus a
// few) are in the DOM, so a 2,000-message thread renders as fast as a short one. It follows the bottom while the user is
// there (streaming text stays in view) and leaves the scroll alone once they scroll up.

import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";

import { Markdown } from "./Markdown";
import type { TimelineRow } from "./model";
import type { Activity, CheckpointSummary, Message, ProposedPlan } from "./protocol";
import { TurnFiles } from "./TurnFiles";

const ESTIMATED_ROW = 80;

const MessageRow = memo(function MessageRow({ message, agent }: { message: Message; agent?: string }) {
  return (
    <div className={`message message-${message.role}`} data-testid={`message-${message.role}`}>
      {agent && (
        <div className="answered-by" data-testid="answered-by" title="The agent that answered">
          {agent}
        </div>
      )}
      <Markdown text={message.text} />
      {message.attachments?.map((a) => (
        <img key={a.id} className="attachment" src={`/attachments/${encodeURIComponent(a.id)}${window.location.search}`} alt={a.name} />
      ))}
      {message.streaming && <span className="cursor">▍</span>}
    </div>
  );
});

/** How much of a tool's output shows before "show all": the end, where results and errors are. */
const OUTPUT_PREVIEW = 2000;

/** What a tool printed, folded away until asked for. */
function ToolOutput({ output, truncated }: { output: string; truncated: boolean }) {
  const [all, setAll] = useState(false);
  const long = output.length > OUTPUT_PREVIEW;
  const shown = all || !long ? output : output.slice(-OUTPUT_PREVIEW);
  const lines = output.split("\n").length;
  return (
    <details className="tool-output" data-testid="tool-output">
      <summary>
        Output ({lines} line{lines === 1 ? "" : "s"})
      </summary>
      {(truncated || (long && !all)) && (
        <div className="tool-output-note">
          {truncated ? "The server kept only the end of this output. " : ""}
          {long && !all && "Showing the end. "}
          {long && !all && (
            <button type="button" className="small" onClick={() => setAll(true)}>
              show all
            </button>
          )}
        </div>
      )}
      <pre>{shown}</pre>
    </details>
  );
}

/** A line of work: what codex ran or changed, a warning, an error; its output, if any. */
function ActivityLine({ activity, repeats }: { activity: Activity; repeats?: number }) {
  const detail = activity.payload?.detail ?? activity.payload?.message;
  const output = activity.payload?.output;
  return (
    <div className={`activity tone-${activity.tone}`} data-testid="activity" data-kind={activity.kind}>
      <span className="summary">{activity.summary}</span>
      {detail !== undefined && detail !== null && (
        <span className="detail" title={String(detail)}>
          {String(detail)}
        </span>
      )}
      {repeats !== undefined && repeats > 1 && (
        <span className="repeat-count" data-testid="repeat-count" title={`Said ${repeats} times in this thread`}>
          ×{repeats}
        </span>
      )}
      {typeof output === "string" && output !== "" && (
        <ToolOutput output={output} truncated={activity.payload?.outputTruncated === true} />
      )}
    </div>
  );
}

const SHOWN_WORK = 4;

/** The work between two messages: the last few lines, the rest behind a toggle. Errors are
 * always shown. */
const WorkRow = memo(
  function WorkRow({
    activities,
    repeats,
    changes,
    threadId,
  }: {
    activities: Activity[];
    repeats: Map<string, number>;
    changes?: CheckpointSummary;
    threadId: string;
  }) {
    const hidden = activities.slice(0, -SHOWN_WORK);
    const visible = activities.slice(-SHOWN_WORK);
    const hiddenErrors = hidden.filter((a) => a.tone === "error");
    return (
      <div className="work" data-testid="work">
        {hidden.length > 0 && (
          <details>
            <summary>{hidden.length} earlier step{hidden.length === 1 ? "" : "s"}</summary>
            {hidden.map((a) => (
              <ActivityLine key={a.id} activity={a} repeats={repeats.get(a.id)} />
            ))}
          </details>
        )}
        {hiddenErrors.map((a) => (
          <ActivityLine key={`e:${a.id}`} activity={a} repeats={repeats.get(a.id)} />
        ))}
        {visible.map((a) => (
          <ActivityLine key={a.id} activity={a} repeats={repeats.get(a.id)} />
        ))}
        {changes && <TurnFiles threadId={threadId} checkpoint={changes} />}
      </div>
    );
  },
  // A new array with the same activities (each update copies the list) is the same row.
  // A repeated warning's count may grow while its row stays the same.
  (a, b) =>
    a.changes === b.changes &&
    a.threadId === b.threadId &&
    a.activities.length === b.activities.length &&
    a.activities.every((x, i) => x === b.activities[i] && a.repeats.get(x.id) === b.repeats.get(x.id)),
);

export type PlanAction = (plan: ProposedPlan, action: "implement" | "refine") => Promise<void>;

const PlanRow = memo(function PlanRow({ plan, onPlan }: { plan: ProposedPlan; onPlan?: PlanAction }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (action: "implement" | "refine") => {
    if (!onPlan) return;
    setBusy(true);
    setError(null);
    onPlan(plan, action)
      .catch((e) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <div className="plan" data-testid="proposed-plan">
      <div className="label">Proposed plan</div>
      <Markdown text={plan.planMarkdown} />
      {onPlan && (
        <div className="buttons">
          <button type="button" data-testid="plan-implement" disabled={busy} onClick={() => run("implement")}>
            Implement
          </button>
          <button type="button" className="small" data-testid="plan-refine" disabled={busy} onClick={() => run("refine")}>
            Refine
          </button>
          {error && <span className="error" role="alert">{error}</span>}
        </div>
      )}
    </div>
  );
});

const NO_REPEATS = new Map<string, number>();
const NO_CHANGES = new Map<string, CheckpointSummary>();

interface RowContext {
  threadId: string;
  repeats: Map<string, number>;
  changes: Map<string, CheckpointSummary>;
  onPlan?: PlanAction;
}

function RowView({ row, context }: { row: TimelineRow; context: RowContext }) {
  if (row.kind === "message") return <MessageRow message={row.message} agent={row.agent} />;
  if (row.kind === "plan") return <PlanRow plan={row.plan} onPlan={context.onPlan} />;
  return (
    <WorkRow activities={row.activities} repeats={context.repeats} changes={context.changes.get(row.id)} threadId={context.threadId} />
  );
}

/** Older history still on the server: paged in when the user scrolls near the top. */
export interface OlderHistory {
  has: boolean;
  loading: boolean;
  load: () => void;
}

const OLDER_ROW = 40;

export function Timeline({
  threadId,
  rows,
  repeats = NO_REPEATS,
  changes = NO_CHANGES,
  onPlan,
  older,
}: {
  threadId: string;
  rows: TimelineRow[];
  repeats?: Map<string, number>;
  /** Work row id → the checkpoint of the turn it ends: its files, with diffs inline. */
  changes?: Map<string, CheckpointSummary>;
  onPlan?: PlanAction;
  older?: OlderHistory;
}) {
  const context: RowContext = { threadId, repeats, changes, onPlan };
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const firstKey = useRef<string | null>(null);
  const olderRow = older?.has ? OLDER_ROW : 0;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 6,
    // Open at the bottom, with rows already in the first render, instead of rendering the top
    // and then scrolling: one pass fewer before the newest message is on screen.
    initialRect: { width: 0, height: window.innerHeight },
    initialOffset: () => Math.max(0, rows.length * ESTIMATED_ROW - window.innerHeight),
    getItemKey: (index) => rows[index].id,
    paddingStart: olderRow,
  });
  // Older rows put in front: the row that was first keeps its place on screen.
  useLayoutEffect(() => {
    const previous = firstKey.current;
    firstKey.current = rows[0]?.id ?? null;
    if (!previous || previous === firstKey.current) return;
    const at = rows.findIndex((r) => r.id === previous);
    if (at <= 0) return;
    const shift = (virtualizer.measurementsCache[at]?.start ?? at * ESTIMATED_ROW) - olderRow;
    virtualizer.scrollToOffset((scroller.current?.scrollTop ?? 0) + shift);
  }, [rows, virtualizer, olderRow]);
  const nearTop = (el: HTMLElement) => el.scrollTop < 400;
  const last = rows.at(-1);
  // What grows at the bottom: streaming text, or lines of work.
  const lastSize =
    last?.kind === "message"
      ? last.message.text.length
      : last?.kind === "plan"
        ? last.plan.planMarkdown.length
        : (last?.activities.length ?? 0);

  useEffect(() => {
    if (atBottom.current && rows.length > 0) {
      virtualizer.scrollToIndex(rows.length - 1, { align: "end" });
    }
  }, [rows.length, lastSize, virtualizer]);

  return (
    <div
      className="timeline"
      data-testid="timeline"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        if (older?.has && !older.loading && nearTop(el)) older.load();
      }}
      data-row-count={rows.length}
      data-message-count={rows.reduce((n, r) => n + (r.kind === "message" ? 1 : 0), 0)}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {older?.has && (
          <div className="timeline-older" data-testid="timeline-older" style={{ position: "absolute", top: 0, width: "100%", height: OLDER_ROW }}>
            {older.loading ? (
              <span role="status">Loading older messages…</span>
            ) : (
              <button className="small" onClick={older.load}>Load older messages</button>
            )}
          </div>
        )}
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${item.start}px)` }}
            >
              <RowView row={row} context={context} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

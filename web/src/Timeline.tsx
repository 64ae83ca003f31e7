// The thread's messages, virtualised: only the rows on screen (plus a few) are in the DOM, so a
// 2,000-message thread renders as fast as a short one. It follows the bottom while the user is
// there (streaming text stays in view) and leaves the scroll alone once they scroll up.

import { memo, useEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";

import { Markdown } from "./Markdown";
import type { Message } from "./protocol";

const ESTIMATED_ROW = 80;

const MessageRow = memo(function MessageRow({ message }: { message: Message }) {
  return (
    <div className={`message message-${message.role}`} data-testid={`message-${message.role}`}>
      <Markdown text={message.text} />
      {message.attachments?.map((a) => (
        <img key={a.id} className="attachment" src={`/attachments/${encodeURIComponent(a.id)}${window.location.search}`} alt={a.name} />
      ))}
      {message.streaming && <span className="cursor">▍</span>}
    </div>
  );
});

export function Timeline({ messages, footer }: { messages: Message[]; footer: React.ReactNode }) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 6,
    // Open at the bottom, with rows already in the first render, instead of rendering the top
    // and then scrolling: one pass fewer before the newest message is on screen.
    initialRect: { width: 0, height: window.innerHeight },
    initialOffset: () => Math.max(0, messages.length * ESTIMATED_ROW - window.innerHeight),
    getItemKey: (index) => messages[index].id,
  });
  const last = messages.at(-1);

  useEffect(() => {
    if (atBottom.current && messages.length > 0) {
      virtualizer.scrollToIndex(messages.length - 1, { align: "end" });
    }
  }, [messages.length, last?.text, virtualizer]);

  return (
    <div
      className="timeline"
      data-testid="timeline"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${row.start}px)` }}
          >
            <MessageRow message={messages[row.index]} />
          </div>
        ))}
      </div>
      {footer}
    </div>
  );
}

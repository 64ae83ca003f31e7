// Renders markdown a block at a time: each block's HTML is rebuilt only when its own text
// changes, so a streaming answer costs one small parse per frame however long it has grown.

import { memo, useMemo } from "react";

import { splitBlocks } from "./markdownBlocks";
import { renderMarkdown } from "./markdown";

const Block = memo(function Block({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // renderMarkdown escapes raw HTML and refuses unsafe link schemes (see markdown.ts).
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      {splitBlocks(text).map((block, i) => (
        <Block key={i} text={block} />
      ))}
    </div>
  );
}

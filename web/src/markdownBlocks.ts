// Splits a message's markdown into top-level blocks, so a streaming answer re-parses only its
// last block each frame instead of the whole text (which grows to tens of kilobytes). A split
// happens only at a blank line outside a fenced code block and before a line that starts at the
// margin: indented lines continue a list item or an indented code block, so they stay with it.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function splitBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let blankBefore = false;
  for (const line of lines) {
    const opener = FENCE.exec(line)?.[1];
    if (fence === null) {
      const startsAtMargin = line.length > 0 && !/^\s/.test(line);
      if (blankBefore && startsAtMargin && current.some((l) => l.trim() !== "")) {
        blocks.push(current.join("\n"));
        current = [];
      }
      if (opener) fence = opener;
    } else if (opener && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener) {
      fence = null;
    }
    current.push(line);
    blankBefore = fence === null && line.trim() === "";
  }
  if (current.length > 0) blocks.push(current.join("\n"));
  return blocks;
}

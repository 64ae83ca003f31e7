import { describe, expect, it } from "vitest";

import { splitBlocks } from "./markdownBlocks";

describe("splitBlocks", () => {
  it("splits paragraphs at blank lines and loses no text", () => {
    const text = "one\ntwo\n\nthree\n\n\nfour";
    const blocks = splitBlocks(text);
    expect(blocks.map((b) => b.trim())).toEqual(["one\ntwo", "three", "four"]);
    expect(blocks.join("\n")).toBe(text);
  });

  it("keeps a fenced code block whole, blank lines included", () => {
    const text = "intro\n\n```rust\nfn a() {}\n\nfn b() {}\n```\n\nafter";
    const blocks = splitBlocks(text);
    expect(blocks.map((b) => b.trim())).toEqual(["intro", "```rust\nfn a() {}\n\nfn b() {}\n```", "after"]);
  });

  it("keeps an unclosed fence (still streaming) as the last block", () => {
    const blocks = splitBlocks("text\n\n~~~\ncode\n\nmore code");
    expect(blocks.at(-1)?.trim()).toBe("~~~\ncode\n\nmore code");
  });

  it("a shorter or different fence does not close a fence", () => {
    const blocks = splitBlocks("````\n```\n\nstill code\n````\n\nout");
    expect(blocks.map((b) => b.trim())).toEqual(["````\n```\n\nstill code\n````", "out"]);
  });

  it("keeps indented continuations with their list item", () => {
    const text = "- item\n\n  continued\n\n      code under it\n\nnext";
    const blocks = splitBlocks(text);
    expect(blocks.map((b) => b.trim())).toEqual(["- item\n\n  continued\n\n      code under it", "next"]);
  });

  it("leading blank lines do not make an empty block", () => {
    expect(splitBlocks("\n\nhello").map((b) => b.trim())).toEqual(["hello"]);
  });
});

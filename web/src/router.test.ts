import { describe, expect, it } from "vitest";

import { parseRoute, routePath } from "./router";

describe("parseRoute", () => {
  it("reads home, settings and thread ids", () => {
    expect(parseRoute("/")).toEqual({ kind: "home" });
    expect(parseRoute("")).toEqual({ kind: "home" });
    expect(parseRoute("/settings")).toEqual({ kind: "settings" });
    expect(parseRoute("/settings/")).toEqual({ kind: "settings" });
    expect(parseRoute("/2f1c-ab_9")).toEqual({ kind: "thread", threadId: "2f1c-ab_9" });
  });
  it("falls back to home for what is not a thread id", () => {
    expect(parseRoute("/a/b")).toEqual({ kind: "home" });
    expect(parseRoute("/%E0%A4%A")).toEqual({ kind: "home" });
    expect(parseRoute("/has space")).toEqual({ kind: "home" });
  });
  it("round-trips", () => {
    for (const route of [{ kind: "home" }, { kind: "settings" }, { kind: "thread", threadId: "abc-1" }] as const) {
      expect(parseRoute(routePath(route))).toEqual(route);
    }
  });
});

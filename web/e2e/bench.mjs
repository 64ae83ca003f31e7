// `make bench` for the browser client, in headless Chromium against the release binary:
// the production bundle's gzipped size and the time to first render a thread of 2,000
// messages (seeded through the real server, the assistant side played by the synthetic
// app-server from benches/support), and the frames the page paints while a 10,000-delta answer
// streams into that thread.
// Usage: node e2e/bench.mjs <t3rs binary>        Prints a table; asserts nothing.
// BENCH_TURNS and BENCH_DELTAS shrink it for a quick look.

import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { chromiumOptions, freePort, newPage, startServer as start, stopServer, webDist as dist } from "./support.mjs";
import WebSocketClient from "./ws-client.mjs";

const [t3rsBin] = process.argv.slice(2).map((p) => resolve(p));
const here = resolve(new URL(".", import.meta.url).pathname);
// A user and an assistant message each: 2,000 messages.
const TURNS = Number(process.env.BENCH_TURNS ?? 1000);
const STREAM_DELTAS = Number(process.env.BENCH_DELTAS ?? 10_000);
// Deltas a second while it streams: several times a fast model's, so every frame has new text
// and the answer grows to its full length on screen.
const STREAM_RATE = 2_000;

// 1. Bundle size.
let gzipped = 0;
for (const file of readdirSync(join(dist, "assets"))) {
  gzipped += gzipSync(readFileSync(join(dist, "assets", file))).length;
}
gzipped += gzipSync(readFileSync(join(dist, "index.html"))).length;
// First visit: index.html, the entry it names and what that entry loads at once (the app's
// main chunk and its styles); chunks main loads lazily (diff view, terminal) are left out.
const indexHtml = readFileSync(join(dist, "index.html"), "utf8");
let firstVisit = gzipSync(indexHtml).length;
const eager = new Set();
for (const [, ref] of indexHtml.matchAll(/(?:src|href)="\/?assets\/([^"]+)"/g)) {
  eager.add(ref);
  const entry = readFileSync(join(dist, "assets", ref), "utf8");
  for (const file of readdirSync(join(dist, "assets"))) if (entry.includes(file)) eager.add(file);
}
for (const file of eager) firstVisit += gzipSync(readFileSync(join(dist, "assets", file))).length;

const dir = mkdtempSync(join(tmpdir(), "t3rs-web-bench-"));
const work = join(dir, "work");
mkdirSync(work);
const fakeCodex = join(dir, "fake-codex");
copyFileSync(resolve(here, "../../benches/support/fake_codex.py"), fakeCodex);
chmodSync(fakeCodex, 0o755);


const startServer = (port, deltas, rate = 0) =>
  start({
    bin: t3rsBin, port, stateDir: join(dir, "state"), cwd: work, codexBin: fakeCodex,
    env: { FAKE_CODEX_DELTAS: String(deltas), FAKE_CODEX_RATE: String(rate), FAKE_CODEX_MARKDOWN: "1", RUST_LOG: "error" },
  });

const port = await freePort();
let server = await startServer(port, 20);
const ws = await WebSocketClient.connect(`ws://127.0.0.1:${port}/ws`);
const welcome = await ws.welcome();
const threadId = welcome.bootstrapThreadId;
const now = () => new Date().toISOString();
const turnDone = (count) =>
  ws.waitFor((p) => p.channel === "orchestration.domainEvent" && p.data.type === "thread.turn-diff-completed" &&
    p.data.payload.checkpointTurnCount === count);
const line = "Some **markdown** with `code` and a [link](https://example.com). ".repeat(4);
for (let n = 1; n <= TURNS; n++) {
  const done = turnDone(n);
  await ws.request({ _tag: "orchestration.dispatchCommand", command: {
    type: "thread.turn.start", commandId: `seed-${n}`, threadId, assistantDeliveryMode: "buffered",
    message: { messageId: `m${n}`, role: "user", text: `Message ${n}: ${line}`, attachments: [] },
    runtimeMode: "full-access", interactionMode: "default", createdAt: now() } });
  await done;
  if (n % 100 === 0) process.stderr.write(`seeded ${n} turns\n`);
}
// 50 more threads (a few messages each) for the memory step.
const MEMORY_THREADS = Number(process.env.BENCH_THREADS ?? 50);
for (let n = 0; n < MEMORY_THREADS; n++) {
  const id = `mem-${n}`;
  await ws.request({ _tag: "orchestration.dispatchCommand", command: {
    type: "thread.create", commandId: `mem-c-${n}`, threadId: id, projectId: welcome.bootstrapProjectId,
    title: `memory ${n}`, model: "gpt-5.4", runtimeMode: "full-access", interactionMode: "default",
    branch: null, worktreePath: null, createdAt: now() } });
}
ws.close();
await stopServer(server);
server = await startServer(port, STREAM_DELTAS, STREAM_RATE);

// 2. First render of the 2,000-message thread: from navigation to the frame that paints its last
// message, timed inside the page (a MutationObserver from before the app's first line runs).
// `inDom` is when the message is in the document, `shown` a frame later. The page reports its
// timings through a binding: a Playwright wait (waitForFunction) would evaluate the harness's
// own scripts in the page while the app loads, which cost ~20 ms of the main thread there.
const lastText = `Message ${TURNS}: Some`;
async function timedPage(browser) {
  const { page, consoleErrors } = await newPage(browser, 60_000);
  let report = () => {};
  await page.exposeFunction("__t3rsBenchPainted", (timing) => report(timing));
  await page.addInitScript((needle) => {
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const observer = new MutationObserver(() => {
      const rows = document.querySelectorAll('[data-testid="message-user"]');
      if (![...rows].some((r) => r.textContent.includes(needle))) return;
      observer.disconnect();
      const inDom = performance.now();
      requestAnimationFrame(() =>
        setTimeout(() =>
          window.__t3rsBenchPainted({
            shown: performance.now(), inDom, app: mark("t3rs:app"), snapshot: mark("t3rs:snapshot"), thread: mark("t3rs:thread"),
          }),
        ),
      );
    });
    observer.observe(document, { childList: true, subtree: true });
  }, lastText);
  const firstRender = async (load) => {
    const timing = new Promise((ok) => (report = ok));
    await load();
    return timing;
  };
  return { page, consoleErrors, firstRender };
}
// Cold: a fresh browser profile each time (nothing cached), COLD_RUNS times, as the machine's
// load varies from one to the next; the median is the figure, with the range beside it.
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const colds = [];
for (let n = 0; n < COLD_RUNS; n++) {
  const coldBrowser = await chromium.launch(chromiumOptions());
  const cold = await timedPage(coldBrowser);
  colds.push(await cold.firstRender(() => cold.page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" })));
  await coldBrowser.close();
  if (cold.consoleErrors.length > 0) throw new Error(`console errors in the page:\n${cold.consoleErrors.join("\n")}`);
}
const middle = (key) => colds.map((t) => t[key]).sort((a, b) => a - b)[Math.floor(colds.length / 2)];
const spread = (key) => `${Math.min(...colds.map((t) => t[key])).toFixed(0)}–${Math.max(...colds.map((t) => t[key])).toFixed(0)}`;
const timing = Object.fromEntries(["shown", "inDom", "app", "snapshot", "thread"].map((k) => [k, middle(k)]));
// Then reloads in one browser, as a returning user's opens it: the assets come from the HTTP
// cache and, from the third load, V8's code cache.
const browser = await chromium.launch(chromiumOptions());
const { page, consoleErrors, firstRender } = await timedPage(browser);
// Each load is left to settle first: its provider check (server.refreshProviders, some 200 ms of
// agent probes on the server) would otherwise still be running through the next load.
const settled = () => page.locator('[data-testid="provider-picker"] [data-testid="provider-status"]:not(.pdot-unknown)').waitFor();
await firstRender(() => page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" }));
await settled();
await firstRender(() => page.reload({ waitUntil: "commit" }));
await settled();
const warm = await firstRender(() => page.reload({ waitUntil: "commit" }));
await page.getByTestId("message-user").first().waitFor();
const messages = await page.evaluate(() => document.querySelectorAll('[data-testid^="message-"]').length);

// 3. Frames while STREAM_DELTAS deltas stream into that thread, from the send to the last delta
// on screen: every animation frame's distance from the one before.
await page.evaluate(() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (t) => {
    window.__frames.push(t - last);
    last = t;
    if (!window.__stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});
await page.getByTestId("composer").fill("stream please");
await page.getByTestId("send").click();
const lastDelta = `d${STREAM_DELTAS - 1}`;
await page.waitForFunction(
  (needle) => [...document.querySelectorAll('[data-testid="message-assistant"]')].some((m) => m.textContent.includes(needle)),
  lastDelta,
);
const frames = await page.evaluate(() => {
  window.__stop = true;
  return window.__frames;
});

// 4. Page memory after opening MEMORY_THREADS threads in turn (only the open one's history is
// held): the JS heap after a forced GC, with the big thread open, before and after.
const cdp = await page.context().newCDPSession(page);
const heap = async () => {
  await cdp.send("HeapProfiler.collectGarbage");
  return (await cdp.send("Runtime.getHeapUsage")).usedSize;
};
// A heap snapshot's bytes, less the compiled code in it: V8 keeps optimising functions as they
// stay hot, which grows the heap for a while whatever the page holds.
const heapWithoutCode = async () => {
  await cdp.send("HeapProfiler.collectGarbage");
  const chunks = [];
  const take = (e) => chunks.push(e.chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", take);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", take);
  const { snapshot, nodes } = JSON.parse(chunks.join(""));
  const fields = snapshot.meta.node_fields;
  const [type, size, code] = [fields.indexOf("type"), fields.indexOf("self_size"), snapshot.meta.node_types[0].indexOf("code")];
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += fields.length) if (nodes[i + type] !== code) bytes += nodes[i + size];
  return bytes;
};
// The sidebar's rows are named by title and time: pick them by title, and the big thread by id.
const row = (title) => page.locator(".thread-row").filter({ has: page.locator(".thread-title", { hasText: new RegExp(`^${title}$`) }) });
const bigThreadId = await page.locator(".thread-row.active").first().getAttribute("data-thread-id");
// The sidebar lists a project's newest threads; the rest are behind "Show N more".
const showMore = page.locator("nav.sidebar").getByRole("button", { name: /^Show \d+ more$/ });
if (await showMore.count()) await showMore.click();
const heapBefore = await heap();
const openInTurn = async () => {
  for (let n = 0; n < MEMORY_THREADS; n++) {
    await row(`memory ${n}`).locator(".thread-link").click();
    await page.locator(".thread-row.active .thread-title", { hasText: new RegExp(`^memory ${n}$`) }).waitFor();
  }
  await page.locator(`.thread-row[data-thread-id="${bigThreadId}"] .thread-link`).click();
  await page.getByTestId("message-user").first().waitFor();
  return heap();
};
// Twice: the first round also pays once for what any first switch creates (the code compiled
// for it, the scripts this harness evaluates in the page); what the second adds is what threads
// opened and closed leave behind.
const heapAfter = await openInTurn();
const objectsAfter = await heapWithoutCode();
const heapAgain = await openInTurn();
const objectsAgain = await heapWithoutCode();
await browser.close();
await stopServer(server);
// The seeded store is tens of MB: not left in the temp directory.
rmSync(dir, { recursive: true, force: true });

const longest = Math.max(...frames);
const over50 = frames.filter((f) => f > 50).length;
const median = frames.slice().sort((a, b) => a - b)[Math.floor(frames.length / 2)];
const rows = [
  ["production bundle, gzipped", `${(gzipped / 1024).toFixed(0)} KB`, "<= 250 KB"],
  ["first visit (what index.html loads eagerly), gzipped", `${(firstVisit / 1024).toFixed(0)} KB`, "<= 150 KB"],
  [`cold first render of a ${TURNS * 2}-message thread (navigation → last shown)`, `${timing.shown.toFixed(0)} ms`, "<= 150 ms"],
  [`  range over ${COLD_RUNS} fresh browsers (the figures here are their medians)`, `${spread("shown")} ms`, ""],
  ["  app code loaded and started (the socket opens before it)", `${timing.app.toFixed(0)} ms`, ""],
  ["  shell snapshot in the app's model", `${timing.snapshot.toFixed(0)} ms`, ""],
  ["  open thread's first page (subscribeThread, limit 100) in the model", `${timing.thread.toFixed(0)} ms`, ""],
  ["  last message in the DOM (before its frame is painted)", `${timing.inDom.toFixed(0)} ms`, ""],
  ["the same, third load in that browser (assets and compiled code cached)", `${warm.shown.toFixed(0)} ms`, "<= 150 ms"],
  ["  app code loaded and started", `${warm.app.toFixed(0)} ms`, ""],
  ["  message rows in the DOM (virtualised)", String(messages), ""],
  [`frames while ${STREAM_DELTAS} deltas stream (${STREAM_RATE}/s): longest`, `${longest.toFixed(0)} ms`, "<= 33 ms"],
  ["  frames longer than 50 ms", `${over50} of ${frames.length}`, ""],
  ["  median frame", `${median.toFixed(0)} ms`, ""],
  [`page JS heap after GC, big thread open: before ${MEMORY_THREADS} threads opened in turn`, `${(heapBefore / 1048576).toFixed(1)} MB`, ""],
  ["  the same, after (must not grow with threads closed)", `${(heapAfter / 1048576).toFixed(1)} MB`, "no growth"],
  [`  the same, after ${MEMORY_THREADS} more (a second round)`, `${(heapAgain / 1048576).toFixed(1)} MB`, "no growth"],
  ["  heap snapshot less compiled code: after the first round → the second", `${(objectsAfter / 1048576).toFixed(2)} → ${(objectsAgain / 1048576).toFixed(2)} MB`, "no growth"],
];
console.log("\nbrowser client benchmark (headless Chromium)");
console.log(`| ${"measure".padEnd(74)} | ${"t3rs".padStart(14)} | ${"target".padEnd(14)} |`);
console.log(`|${"-".repeat(76)}|${"-".repeat(16)}|${"-".repeat(16)}|`);
for (const [name, value, target] of rows) {
  console.log(`| ${name.padEnd(74)} | ${value.padStart(14)} | ${target.padEnd(14)} |`);
}
if (consoleErrors.length > 0) {
  console.error(`console errors in the page:\n${consoleErrors.join("\n")}`);
  process.exitCode = 1;
}

// `make bench` for the browser client, in headless Chromium against the release binary:
// the production bundle's gzipped size and the time to first render a thread of 2,000
// messages (seeded through the real server, the assistant side played by the synthetic
// app-server from benches/support). Frames during a 10,000-delta stream are not measured yet.
// Usage: node e2e/bench.mjs <t3rs binary>        Prints a table; asserts nothing.

import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { chromiumOptions, freePort } from "./support.mjs";
import WebSocketClient from "./ws-client.mjs";

const [t3rsBin] = process.argv.slice(2).map((p) => resolve(p));
const here = resolve(new URL(".", import.meta.url).pathname);
const dist = resolve(here, "../dist");
const TURNS = 1000; // a user and an assistant message each: 2,000 messages

// 1. Bundle size.
let gzipped = 0;
for (const file of readdirSync(join(dist, "assets"))) {
  gzipped += gzipSync(readFileSync(join(dist, "assets", file))).length;
}
gzipped += gzipSync(readFileSync(join(dist, "index.html"))).length;

const dir = mkdtempSync(join(tmpdir(), "t3rs-web-bench-"));
const work = join(dir, "work");
mkdirSync(work);
const fakeCodex = join(dir, "fake-codex");
copyFileSync(resolve(here, "../../benches/support/fake_codex.py"), fakeCodex);
chmodSync(fakeCodex, 0o755);


async function startServer(port, deltas) {
  const server = spawn(
    t3rsBin,
    ["--port", String(port), "--state-dir", join(dir, "state"), "--no-browser", "--cwd", work,
     "--web-dir", dist, "--codex-bin", fakeCodex],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FAKE_CODEX_DELTAS: String(deltas), RUST_LOG: "error" } },
  );
  await new Promise((ok) => server.stdout.on("data", (d) => d.toString().includes("listening") && ok()));
  return server;
}

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
ws.close();
server.kill("SIGTERM");
await new Promise((ok) => server.on("exit", ok));
server = await startServer(port, 20);

const browser = await chromium.launch(chromiumOptions());
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(60_000);

// 2. First render of the 2,000-message thread: from navigation to its last message on screen.
const lastText = `Message ${TURNS}: Some`;
await page.goto(`http://127.0.0.1:${port}/`);
// In the DOM (the activity list below the messages may push it just out of view).
await page.getByTestId("message-user").filter({ hasText: lastText }).waitFor({ state: "attached" });
const timing = await page.evaluate(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return { shown: performance.now(), loaded: nav.domContentLoadedEventEnd };
});
const messages = await page.evaluate(() => document.querySelectorAll('[data-testid^="message-"]').length);

await browser.close();
server.kill("SIGTERM");

const rows = [
  ["production bundle, gzipped", `${(gzipped / 1024).toFixed(0)} KB`, "<= 400 KB"],
  [`first render of a ${TURNS * 2}-message thread (navigation → last message shown)`, `${timing.shown.toFixed(0)} ms`, "<= 200 ms"],
  ["  of which page load (DOMContentLoaded)", `${timing.loaded.toFixed(0)} ms`, ""],
  ["  message rows in the DOM (virtualised)", String(messages), ""],
];
console.log("\nbrowser client benchmark (headless Chromium)");
console.log(`| ${"measure".padEnd(70)} | ${"t3rs".padStart(14)} | ${"target".padEnd(14)} |`);
console.log(`|${"-".repeat(72)}|${"-".repeat(16)}|${"-".repeat(16)}|`);
for (const [name, value, target] of rows) {
  console.log(`| ${name.padEnd(70)} | ${value.padStart(14)} | ${target.padEnd(14)} |`);
}

// A 2,000-message thread, written into a state directory before its server starts (the
// orchestration bench's builder, `examples/seed_store.rs`): it opens at its bottom with only
// the newest page loaded, and scrolling up pages older messages in until the first, each once.
// ctx: { browser, dir, seedStore (path to the seed_store binary), t3rsBin, fail }.

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, newPage, startServer, stopServer } from "./support.mjs";

const TURNS = 1000; // two messages each
// Threads beside it in its project: more than the sidebar lists before "Show more".
const OTHER_THREADS = 7;

export async function run({ browser, dir, seedStore, t3rsBin, fail }) {
  const state = join(dir, "history-state");
  const work = join(dir, "history-work");
  mkdirSync(work, { recursive: true });
  execFileSync(seedStore, [state, work, String(TURNS), String(OTHER_THREADS), "1", "2"], { stdio: "inherit" });
  const port = await freePort();
  const server = await startServer({ bin: t3rsBin, port, stateDir: state, cwd: work, auth: false, env: { RUST_LOG: "error" } });
  const { page, consoleErrors } = await newPage(browser, 30_000);
  // What the page asks of the server: the thread's page is asked for once, by the socket the
  // entry module opens, and that subscription is kept (not dropped and asked for again while the
  // app starts, which would leave the thread empty for a round trip).
  const sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => {
    try {
      const tag = JSON.parse(String(frame.payload)).body?._tag;
      if (tag?.endsWith("subscribeThread")) sent.push(tag);
    } catch {
      // Not a request.
    }
  }));
  try {
    // Opened by its address, as a bookmark or a reload would (the seeded thread's id is t0).
    await page.goto(`http://127.0.0.1:${port}/t0`);
    const last = `Please do step ${TURNS - 1} of the plan.`;
    await page.getByTestId("message-user").filter({ hasText: last }).waitFor();
    const timeline = page.getByTestId("timeline");
    const count = async () => Number(await timeline.getAttribute("data-row-count"));
    const first = Number(await timeline.getAttribute("data-message-count"));
    if (first > 100) fail(`the thread opened with ${first} messages loaded; only the newest page (~100) should be`);
    if (sent.join(",") !== "orchestration.subscribeThread") {
      fail(`opening the thread by its address sent ${sent.join(", ") || "nothing"}; expected one orchestration.subscribeThread`);
    }
    const bottom = await timeline.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    if (bottom > 60) fail(`the thread did not open at its bottom (${bottom}px below)`);
    // Scroll to the top until the first message is there; every page adds rows.
    const firstText = "Please do step 0 of the plan.";
    let loaded = first;
    for (let pages = 0; pages < 40; pages++) {
      if (await page.getByTestId("message-user").filter({ hasText: firstText }).count()) break;
      await timeline.evaluate((el) => (el.scrollTop = 0));
      await page.waitForFunction(
        (before) => Number(document.querySelector('[data-testid="timeline"]').dataset.rowCount) > before ||
          !document.querySelector('[data-testid="timeline-older"]'),
        loaded,
      );
      loaded = await count();
    }
    await page.getByTestId("message-user").filter({ hasText: firstText }).waitFor();
    const total = Number(await timeline.getAttribute("data-message-count"));
    if (total !== TURNS * 2) fail(`${total} message rows after paging to the start; the thread has ${TURNS * 2} messages (duplicates or gaps)`);
    if (consoleErrors.length) fail(`console errors while paging: ${consoleErrors.join(" | ")}`);
    // The project lists its newest threads (and the open one); the rest are a click away.
    const sidebar = page.locator("nav.sidebar");
    const rows = sidebar.locator(".thread-row");
    const all = OTHER_THREADS + 1;
    const listed = await rows.count();
    if (listed >= all) fail(`the sidebar lists all ${listed} threads of the project; only the newest should be, the rest behind "Show more"`);
    await sidebar.getByRole("button", { name: `Show ${all - listed} more` }).click();
    await page.waitForFunction((n) => document.querySelectorAll("nav.sidebar .thread-row").length === n, all);
    await sidebar.getByRole("button", { name: "Show less" }).click();
    await page.waitForFunction((n) => document.querySelectorAll("nav.sidebar .thread-row").length === n, listed);
    console.log(`e2e: history ok (opened with ${first} of ${total} messages, paged to the first; the sidebar listed ${listed} of ${all} threads)`);
  } finally {
    await page.close();
    await stopServer(server);
  }
}

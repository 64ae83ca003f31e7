// End-to-end test of the browser client in Debian's headless Chromium: the real t3rs binary,
// the real codex CLI and Claude Code against ../shared/tools/fake-model (one script serves both
// APIs: each model request takes the next step), a real git repository in a temp dir.
// Usage: node e2e/run.mjs <t3rs binary> <codex binary> <claude binary>   (from web/, after
// `npm run build`)
// Screenshots of the main views go to e2e/screenshots/.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { run as navigation } from "./navigation.mjs";
import { run as threadView } from "./thread.mjs";
import { run as runOnboarding, runSettingsPush } from "./onboarding.mjs";
import { run as checkViews } from "./views.mjs";
import { run as runHistory } from "./history.mjs";
import { chromiumOptions, freePort, newPage, startServer as start, stopServer as stop, waitForLine } from "./support.mjs";

const [t3rsBin, codexBin, claudeBin] = process.argv.slice(2).map((p) => resolve(p));
if (!claudeBin) throw new Error("usage: node e2e/run.mjs <t3rs binary> <codex binary> <claude binary>");
const here = resolve(new URL(".", import.meta.url).pathname);
const fakeModel = process.env.T3RS_FAKE_MODEL ?? resolve(here, "../../../shared/tools/fake-model/fake_model.py");
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });
const DEADLINE = 30_000;

// The catch at the end reports it and sets the exit code.
function fail(message) {
  throw new Error(message);
}

const dir = mkdtempSync(join(tmpdir(), "t3rs-e2e-"));
const work = join(dir, "demo-project");
mkdirSync(work);
writeFileSync(join(work, "README.md"), "demo\n");
for (const args of [["init", "-q"], ["add", "-A"], ["-c", "user.name=e", "-c", "user.email=e@e", "commit", "-qm", "init"]]) {
  execFileSync("git", args, { cwd: work });
}

const script = join(dir, "script.json");
writeFileSync(
  script,
  JSON.stringify({
    steps: [
      { text: "Hello from **codex**, streaming in pieces.", chunks: 8, delay_ms: 20 },
      { shell: "echo approved > approved.txt", escalate: "needs it" },
      { text: "The command ran.", chunks: 3 },
      { text: "Back after the restart.", chunks: 4 },
      { ask: [{ id: "color", question: "Which colour?", options: ["Red", "Blue"] }] },
      { plan: "<proposed_plan>\n1. Paint it blue\n2. Dry it\n</proposed_plan>", chunks: 3 },
      { shell: "sleep 60" },
      // Claude Code's turn: a Bash tool_use, which asks can_use_tool in approval-required mode;
      // once allowed and run, the model's next request gets the text.
      { shell: "echo from-claude > claude.txt" },
      { text: "Claude ran the command.", chunks: 3 },
      // thread.mjs: the codex thread's proposed plan, implemented.
      { text: "Implementing the plan.", chunks: 2 },
      // thread.mjs: a message steered into a running turn, one queued behind it. The turn is
      // kept running by slow streams (a long shell command would not do: codex's exec returns
      // after ~10 s and asks the model again; a "hang" step still completes the response).
      // codex takes the steered message once the open answer has streamed (~8 s), asks again,
      // and that answer (~16 s) is interrupted, which starts the queued message.
      { text: "Starting the long job, step by step, one piece at a time, slowly.", chunks: 20, delay_ms: 500 },
      { text: "Taking the steer, and working on it for a long while yet, slowly.", chunks: 40, delay_ms: 500 },
      { text: "The queued message ran.", chunks: 2 },
    ],
  }),
);
const model = spawn("python3", [fakeModel, "--script", script, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const [, modelPort] = await waitForLine(model, /listening on (\d+)/);
const home = join(dir, "codex-home");
mkdirSync(home);
writeFileSync(
  join(home, "config.toml"),
  `model_provider = "fake"\nmodel = "fake-model"\n[model_providers.fake]\nname = "fake"\n` +
    `base_url = "http://127.0.0.1:${modelPort}/v1"\nwire_api = "responses"\nenv_key = "FAKE_KEY"\n` +
    `request_max_retries = 0\nstream_max_retries = 0\n`,
);

// Claude Code against the fake model, hermetic: a throw-away HOME (with a git identity for the
// commit step) and CLAUDE_CONFIG_DIR, no account, no updater, no retries. As root Claude Code
// accepts IS_SANDBOX only unset or "1" (this machine may have another value; t3rs passes it
// through).
const claudeHome = join(dir, "claude-home");
mkdirSync(join(claudeHome, ".claude"), { recursive: true });
writeFileSync(join(claudeHome, ".gitconfig"), "[user]\n\tname = e2e\n\temail = e2e@example.invalid\n");
const claudeEnv = {
  HOME: claudeHome,
  CLAUDE_CONFIG_DIR: join(claudeHome, ".claude"),
  ANTHROPIC_BASE_URL: `http://127.0.0.1:${modelPort}`,
  ANTHROPIC_API_KEY: "dummy",
  ANTHROPIC_AUTH_TOKEN: undefined,
  CLAUDE_CODE_OAUTH_TOKEN: undefined,
  DISABLE_AUTOUPDATER: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  CLAUDE_CODE_MAX_RETRIES: "0",
  IS_SANDBOX: process.getuid?.() === 0 ? "1" : undefined,
};

// A stand-in for VS Code's `code` launcher: it records the folder it was asked to open.
const bin = join(dir, "bin");
mkdirSync(bin);
const opened = join(dir, "opened.txt");
writeFileSync(join(bin, "code"), `#!/bin/sh\necho "$@" > ${opened}\n`, { mode: 0o755 });

// A 1×1 PNG to attach.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const port = await freePort();
let server;
async function startServer() {
  server = await start({
    bin: t3rsBin, port, stateDir: join(dir, "state"), cwd: work, codexBin, claudeBin,
    env: { ...claudeEnv, PATH: `${bin}:${process.env.PATH}`, CODEX_HOME: home, FAKE_KEY: "unused", RUST_LOG: "warn" },
    // Authentication as a person gets it by default: the page signs in through the pairing link.
    auth: true,
  });
}
const stopServer = () => stop(server);

let consoleErrors = [];
let browser;
// Content-security-policy violations and WebSocket close codes, from every page and document.
const cspViolations = [];
const closeCodes = [];
async function watchPage(page) {
  await page.exposeFunction("__t3rsCsp", (v) => cspViolations.push(v));
  await page.exposeFunction("__t3rsClosed", (code) => closeCodes.push(code));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__t3rsCsp(`${e.violatedDirective} ${e.blockedURI} ${location.pathname}`));
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener("close", (e) => window.__t3rsClosed(e.code));
      }
    };
  });
}
/** Opens a socket from the page's own origin; "open" or "refused". */
const tryOwnSocket = (page) =>
  page.evaluate(() => new Promise((done) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    ws.onopen = () => { ws.close(); done("open"); };
    ws.onclose = () => done("refused");
  }));
try {
  await startServer();
  browser = await chromium.launch(chromiumOptions());
  await runOnboarding({ browser, t3rsBin, codexBin, dir, deadline: DEADLINE, fail });
  const tab = await newPage(browser, DEADLINE);
  const page = tab.page;
  consoleErrors = tab.consoleErrors;
  await watchPage(page);
  // 0. First open through the printed one-time link: it sets the session cookie and lands on /.
  const firstLink = server.pairingUrl;
  await page.goto(firstLink);
  await page.waitForURL(`http://127.0.0.1:${port}/`);
  await page.getByTestId("composer").waitFor();
  // A reload works on the cookie alone.
  await page.reload();

  // 1. The bootstrap project and its thread are there and open.
  await page.getByText("demo-project").first().waitFor();
  await page.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  await page.getByTestId("composer").waitFor();
  await page.screenshot({ path: join(shots, "1-bootstrap.png") });
  // The provider picker by Send lists codex once the server has checked it, choosable and
  // chosen (ready: it talks to the fake model through a model provider of its own).
  await page.getByTestId("provider-picker").click();
  const codexOption = page.getByTestId("provider-menu").locator('[data-provider="codex"]');
  await codexOption.and(page.locator('[data-status="ready"]')).waitFor({ timeout: DEADLINE });
  if ((await codexOption.getAttribute("aria-disabled")) === "true") {
    fail(`codex is listed but cannot be chosen: ${await codexOption.getAttribute("title")}`);
  }
  await page.screenshot({ path: join(shots, "1b-provider-picker.png") });
  await page.keyboard.press("Escape");
  await page.getByTestId("provider-menu").waitFor({ state: "detached" });
  if ((await page.getByTestId("provider-picker").getAttribute("data-provider")) !== "codex") fail("the picker did not default to codex");

  // 2. A turn, with an image attached, streams text. Files that are not images are refused
  // with a message, as are more than eight images.
  const image = (name) => ({ name, mimeType: "image/png", buffer: png });
  await page.getByTestId("image-input").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("x") }]);
  await page.getByText("notes.txt is not an image").waitFor();
  await page.getByTestId("image-input").setInputFiles([...Array(9).keys()].map((i) => image(`dot${i}.png`)));
  await page.getByText("At most 8 images per turn.").waitFor();
  await page.getByTestId("image-input").setInputFiles([image("dot.png")]);
  await page.getByTestId("composer-images").getByRole("img", { name: "dot.png" }).waitFor();
  // The tab counts as hidden for this turn, with notifications allowed: its end is announced.
  await page.evaluate(() => {
    window.__notes = [];
    window.Notification = class {
      static permission = "granted";
      constructor(text) {
        window.__notes.push(text);
      }
    };
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  });
  await page.getByTestId("composer").fill("Say hello");
  await page.getByTestId("send").click();
  // This codex talks to the fake model through a provider of its own (an API key), which needs
  // no `codex login`: it is ready, and the send goes without asking (onboarding.mjs has the
  // codex that is not logged in, and its question).
  await page.getByTestId("message-user").filter({ hasText: "Say hello" }).waitFor();
  if (await page.getByTestId("send-guard").count()) fail("a send to a codex with its own model provider asked first");
  await page.getByTestId("message-assistant").filter({ hasText: "streaming in pieces." }).waitFor();
  await page.getByTestId("session-status").filter({ hasText: "ready" }).waitFor();
  await page.getByTestId("turn-state").filter({ hasText: "turn completed" }).waitFor();
  await page.waitForFunction(() => window.__notes.includes("New thread: turn completed"));
  await page.evaluate(() => delete document.hidden);
  // The attachment is stored by the server and shown in the user's message.
  const shown = page.getByTestId("message-user").getByRole("img", { name: "dot.png" });
  await shown.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="message-user"] img')?.naturalWidth === 1);
  await page.screenshot({ path: join(shots, "2-streamed-turn.png") });

  // 3. An approval card, accepted, runs the command.
  // The toggle reflects the thread's recorded mode, so it flips once the server has it.
  await page.getByTestId("approval-toggle").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="approval-toggle"]')?.checked === true);
  await page.getByTestId("composer").fill("Write the file");
  await page.getByTestId("send").click();
  await page.getByTestId("approval-card").waitFor();
  await page.screenshot({ path: join(shots, "3-approval.png") });
  await page.getByRole("button", { name: "Accept", exact: true }).click();
  await page.getByTestId("message-assistant").filter({ hasText: "The command ran." }).waitFor();
  await page.getByTestId("approval-card").waitFor({ state: "detached" });
  if (!existsSync(join(work, "approved.txt"))) fail("the approved command did not run");
  if (readFileSync(join(work, "approved.txt"), "utf8") !== "approved\n") fail("approved.txt has the wrong content");
  // The git bar has read the status again now that the turn is over.
  await page.getByTestId("git-changes").filter({ hasText: "1 changed file" }).waitFor();
  // The command shows as work between the messages.
  await page.getByTestId("work").getByTestId("activity").filter({ hasText: "echo approved > approved.txt" }).first().waitFor();
  // The turn's changed file is listed where its work ended, its diff opening in place.
  const turnFile = page.getByTestId("turn-files").getByTestId("turn-file").filter({ hasText: "approved.txt" });
  await turnFile.locator("summary").click();
  await turnFile.locator(".diff-code-insert", { hasText: "approved" }).waitFor();
  await page.screenshot({ path: join(shots, "3b-inline-diff.png") });

  // 4. The server restarts under the page: it reconnects, catches up and carries on.
  await stopServer();
  await page.getByTestId("connection").filter({ hasText: "reconnecting" }).waitFor();
  await startServer();
  await page.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  await page.getByTestId("composer").fill("Are you back?");
  await page.getByTestId("send").click();
  await page.getByTestId("message-assistant").filter({ hasText: "Back after the restart." }).waitFor();
  const texts = await page.getByTestId("message-assistant").allInnerTexts();
  if (!texts.some((t) => t.includes("streaming in pieces."))) fail("earlier messages are gone after the reconnect");
  await page.screenshot({ path: join(shots, "4-after-restart.png") });

  // 5. The diff panel shows turn 2's file; reverting to turn 1 removes it.
  await page.getByTestId("toggle-diff").click();
  await page.getByTestId("file-stat").filter({ hasText: "approved.txt" }).waitFor();
  const panel = page.getByTestId("diff-panel");
  await page.getByTestId("checkpoint").nth(1).getByRole("button", { name: "diff" }).click();
  await panel.getByTestId("diff-file").filter({ hasText: "approved.txt" }).locator(".diff-code-insert", { hasText: "approved" }).waitFor();
  await page.getByRole("button", { name: "Whole thread" }).click();
  await page.getByText("Whole thread", { exact: true }).and(page.locator(".label")).waitFor();
  await panel.getByTestId("diff-file").filter({ hasText: "approved.txt" }).waitFor();
  await page.screenshot({ path: join(shots, "5-diff.png") });
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId("checkpoint").nth(0).getByRole("button", { name: "revert here" }).click();
  await page.getByTestId("checkpoint").nth(1).waitFor({ state: "detached" });
  if (existsSync(join(work, "approved.txt"))) fail("revert left approved.txt behind");
  const after = await page.getByTestId("message-assistant").allInnerTexts();
  if (after.some((t) => t.includes("The command ran."))) fail("reverted turns still shown");

  // 6. A terminal runs a command and shows its output.
  // Opened with the server's default keybinding for terminal.toggle (mod+j).
  await page.keyboard.press("Control+j");
  await page.locator(".xterm-rows").waitFor();
  await page.locator(".xterm-helper-textarea").focus();
  await page.keyboard.type("echo hi-from-$((40+2))\n");
  await page.locator(".xterm-rows").filter({ hasText: "hi-from-42" }).waitFor();
  await page.screenshot({ path: join(shots, "6-terminal.png") });
  // Hidden and shown again, it has its history; closed, the drawer goes.
  await page.keyboard.press("Control+j");
  await page.getByTestId("terminal-drawer").waitFor({ state: "detached" });
  await page.keyboard.press("Control+j");
  await page.locator(".xterm-rows").filter({ hasText: "hi-from-42" }).waitFor();
  // Restarted, the new shell has the drawer's size, not a default.
  await page.getByTestId("terminal-drawer").getByRole("button", { name: "restart" }).click();
  await page.locator(".xterm-rows").filter({ hasText: "hi-from-42" }).waitFor({ state: "detached" });
  const rows = await page.locator(".xterm-rows > div").count();
  await page.locator(".xterm-helper-textarea").focus();
  await page.keyboard.type("echo size-$(stty size | cut -d' ' -f1)\n");
  await page.locator(".xterm-rows").filter({ hasText: `size-${rows}` }).waitFor();
  await page.getByTestId("terminal-drawer").getByRole("button", { name: "close" }).click();
  await page.getByTestId("terminal-drawer").waitFor({ state: "detached" });

  // Open in editor starts the chosen editor on the project folder.
  await page.getByTestId("editor-choice").selectOption("vscode");
  await page.getByTestId("open-in-editor").click();
  const deadline = Date.now() + DEADLINE;
  while (!(existsSync(opened) && readFileSync(opened, "utf8").trim() === work)) {
    if (Date.now() > deadline) fail("the editor was not started on the project");
    await new Promise((ok) => setTimeout(ok, 50));
  }

  // 7. A commit through the git bar.
  writeFileSync(join(work, "notes.md"), "from the browser\n");
  await page.getByTestId("git-bar").getByRole("button", { name: "refresh" }).click();
  await page.getByTestId("git-changes").filter({ hasText: "1 changed file" }).waitFor();
  await page.getByPlaceholder("commit message (optional)").fill("Add notes from the browser");
  await page.getByTestId("git-run").click();
  await page.getByTestId("git-changes").filter({ hasText: "0 changed files" }).waitFor();
  const subject = execFileSync("git", ["log", "-1", "--format=%s"], { cwd: work }).toString().trim();
  if (subject !== "Add notes from the browser") fail(`the commit is "${subject}"`);
  await page.screenshot({ path: join(shots, "7-git.png") });

  // 8. Plan mode: codex asks a question, the answer goes back, the proposed plan shows.
  await page.getByTestId("plan-toggle").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="plan-toggle"]')?.checked === true);
  await page.getByTestId("composer").fill("Plan the paint job");
  await page.getByTestId("send").click();
  await page.getByTestId("question-card").filter({ hasText: "Which colour?" }).waitFor();
  await page.getByTestId("question-card").getByRole("button", { name: "Blue" }).click();
  await page.getByTestId("proposed-plan").filter({ hasText: "Paint it blue" }).waitFor();
  await page.getByTestId("question-card").waitFor({ state: "detached" });
  await page.screenshot({ path: join(shots, "8-plan.png") });

  // 9. Interrupt, then stop: a long command is cut short, the thread says so, and nothing
  // still claims to be running.
  await page.getByTestId("plan-toggle").click();
  await page.getByTestId("approval-toggle").click();
  await page.waitForFunction(() => {
    const checked = (id) => document.querySelector(`[data-testid="${id}"]`)?.checked;
    return checked("plan-toggle") === false && checked("approval-toggle") === false;
  });
  await page.getByTestId("composer").fill("Run the long job");
  await page.getByTestId("send").click();
  await page.getByTestId("activity").filter({ hasText: "sleep 60" }).first().waitFor();
  await page.getByRole("button", { name: "Interrupt" }).click();
  await page.getByTestId("activity").filter({ hasText: "Turn interrupted" }).waitFor();
  await page.getByRole("button", { name: "Interrupt" }).waitFor({ state: "detached" });
  await page.getByTestId("session-status").filter({ hasText: "ready" }).waitFor();
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByTestId("session-status").filter({ hasText: "stopped" }).waitFor();
  await page.screenshot({ path: join(shots, "9-stopped.png") });

  // 9b. A Claude Code thread: a new thread, Claude chosen in the picker, approvals on; its
  // Bash command asks, the card is approved, the command runs and Claude's answer follows.
  await page.locator(".project-title").filter({ hasText: "demo-project" }).getByRole("button", { name: "+ thread" }).click();
  await page.getByTestId("message-assistant").first().waitFor({ state: "detached" });
  await page.getByTestId("provider-picker").click();
  const claudeOption = page.getByTestId("provider-menu").locator('[data-provider="claudeAgent"]');
  await claudeOption.and(page.locator('[data-status="ready"], [data-status="warning"], [data-status="error"]')).waitFor();
  if ((await claudeOption.getAttribute("aria-disabled")) === "true") {
    fail(`Claude Code is listed but cannot be chosen: ${await claudeOption.getAttribute("title")}`);
  }
  await claudeOption.click();
  await page.getByTestId("provider-picker").and(page.locator('[data-provider="claudeAgent"]')).waitFor();
  // The composer names the agent the message goes to.
  await page.locator('[data-testid="composer"][placeholder^="Ask Claude Code"]').waitFor();
  await page.getByTestId("model-input").fill("claude-sonnet-4-6");
  await page.getByTestId("approval-toggle").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="approval-toggle"]')?.checked === true);
  await page.getByTestId("composer").fill("Write the file, Claude");
  await page.getByTestId("send").click();
  // Claude Code may be reported not ready (its login is an API key here): then it asks.
  const notReady = page.getByTestId("send-guard");
  await page.getByTestId("approval-card").or(notReady).first().waitFor();
  if (await notReady.isVisible()) await page.getByTestId("send-anyway").click();
  await page.getByTestId("approval-card").filter({ hasText: "echo from-claude > claude.txt" }).waitFor();
  await page.screenshot({ path: join(shots, "9b-claude-approval.png") });
  // The card took the focus when it appeared: its key 1 accepts.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === "approval-card");
  await page.keyboard.press("1");
  await page.getByTestId("message-assistant").filter({ hasText: "Claude ran the command." }).waitFor();
  await page.getByTestId("approval-card").waitFor({ state: "detached" });
  if (!existsSync(join(work, "claude.txt"))) fail("the approved Claude command did not run");
  if (readFileSync(join(work, "claude.txt"), "utf8") !== "from-claude\n") fail("claude.txt has the wrong content");
  await page.getByTestId("session-status").filter({ hasText: "ready" }).waitFor();
  await page.screenshot({ path: join(shots, "9b-claude-done.png") });
  await threadView({ page, fail, shots });

  // 10. Adding a project: a folder that does not exist is refused with the server's words;
  // a real one appears in the sidebar.
  await page.getByPlaceholder("/path/to/project").fill(join(dir, "nowhere"));
  await page.getByRole("button", { name: "Add project" }).click();
  await page.locator(".add-project .error").filter({ hasText: "does not exist" }).waitFor();
  const other = join(dir, "second-project");
  mkdirSync(other);
  await page.getByPlaceholder("/path/to/project").fill(other);
  await page.getByRole("button", { name: "Add project" }).click();
  await page.locator(".project-title").filter({ hasText: "second-project" }).waitFor();

  // 10b. Navigation: search, archive, the palette, the address surviving a reload.
  await navigation({ page, fail, shots });
  await runSettingsPush({ browser, page, fail });

  // 11. Access. A second browser profile without the cookie gets the sign-in page, not the
  // app, and its socket is refused; the used link refuses a second use; a session paired with
  // a new link works until the owner revokes it, which closes its socket with 4001.
  const stranger = await browser.newContext();
  const second = await stranger.newPage();
  second.setDefaultTimeout(DEADLINE);
  await watchPage(second);
  await second.goto(`http://127.0.0.1:${port}/`);
  await second.getByText("not signed in").waitFor();
  if (await second.getByTestId("composer").count()) fail("an unsigned browser got the app");
  if ((await tryOwnSocket(second)) !== "refused") fail("an unsigned browser opened a socket");
  await second.goto(firstLink);
  await second.getByText("Invalid bootstrap credential.").waitFor();
  const link = await page.evaluate(() =>
    fetch("/api/auth/pairing-token", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ label: "second browser" }) }).then((r) => r.json()));
  await second.goto(`http://127.0.0.1:${port}/pair#token=${link.credential}`);
  await second.waitForURL(`http://127.0.0.1:${port}/`);
  await second.getByTestId("composer").waitFor();
  await second.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  await second.screenshot({ path: join(shots, "11-second-browser.png") });
  const revoked = await page.evaluate(async () => {
    const clients = await fetch("/api/auth/clients").then((r) => r.json());
    const target = clients.find((c) => c.client.label === "second browser");
    const answer = await fetch("/api/auth/clients/revoke", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sessionId: target.sessionId }) });
    return answer.json();
  });
  if (!revoked.revoked) fail(`revoking the second browser failed: ${JSON.stringify(revoked)}`);
  // The app reloads on 4001 and the server shows it the sign-in page.
  await second.getByText("not signed in").waitFor();
  if (!closeCodes.includes(4001)) fail(`no socket closed with 4001 (codes: ${closeCodes.join(",")})`);
  await second.screenshot({ path: join(shots, "12-revoked.png") });
  await stranger.close();
  // The owner's own page was never signed out.
  await page.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  // 12. Every view at desktop and phone size, in both themes, with axe (no new turns).
  await checkViews({ page, shots, fail });
  if (cspViolations.length) fail(`content-security-policy violations: ${cspViolations.join(" | ")}`);

  // A connection dropped by a restart logs a failed-WebSocket console error in Chromium; it is
  // the browser's own line, not the app's. Anything else fails the test.
  const unexpected = consoleErrors.filter((e) => !e.includes("WebSocket connection to"));
  if (unexpected.length) fail(`console errors: ${unexpected.join(" | ")}`);
  // The seeded 2,000-message thread, on a server of its own (`cargo build --example seed_store`).
  const seedStore = process.env.T3RS_SEED_STORE ?? resolve(here, "../../target/debug/examples/seed_store");
  if (!existsSync(seedStore)) fail(`no ${seedStore}: build it with \`cargo build --example seed_store\` or set T3RS_SEED_STORE`);
  await runHistory({ browser, dir, seedStore, t3rsBin, fail });
  console.log("e2e: browser client ok (screenshots in e2e/screenshots)");
} catch (error) {
  process.exitCode = 1;
  console.error(`e2e: ${error.message}`);
  console.error(`e2e: console errors so far: ${consoleErrors.join(" | ") || "none"}`);
  const pages = browser?.contexts().flatMap((c) => c.pages()) ?? [];
  if (pages[0]) await pages[0].screenshot({ path: join(shots, "failure.png") }).catch(() => {});
} finally {
  await browser?.close();
  if (server && server.exitCode === null) await stopServer();
  model.kill();
  // The state, workspaces and seeded store (some 60 MB): kept only when the run failed, to
  // look into. An agent the servers started may still be writing its own files as it exits:
  // the removal is retried a few times, and never fails the run.
  if (process.exitCode) console.error(`e2e: the run's files are kept in ${dir}`);
  else {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (error) {
      console.error(`e2e: could not remove ${dir}: ${error.message}`);
    }
  }
}

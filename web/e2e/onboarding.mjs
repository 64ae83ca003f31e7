// Onboarding and settings in the browser.
// run: a first run on its own server: empty state, a codex with an empty CODEX_HOME (so
// `codex login status` says it is not logged in): the status area says so with `codex login`,
// the folder picker over filesystem.browse adds a project, and a send to codex asks first.
// runSettingsPush: on the main run's (paired) page, a settings change in one tab shows in a
// second tab without a reload, and the sessions list shows this browser.

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { freePort, newPage, startServer, stopServer } from "./support.mjs";
import { checkView, eachLook } from "./views.mjs";

export async function run({ browser, t3rsBin, codexBin, dir, deadline, fail }) {
  const root = join(dir, "onboarding");
  const home = join(root, "home");
  mkdirSync(join(home, "myproj"), { recursive: true });
  mkdirSync(join(root, "codex-home"), { recursive: true });
  const port = await freePort();
  const server = await startServer({
    bin: t3rsBin, port, stateDir: join(root, "state"), cwd: home, codexBin,
    env: { HOME: home, CODEX_HOME: join(root, "codex-home"), T3CODE_AUTO_BOOTSTRAP_PROJECT_FROM_CWD: "false", RUST_LOG: "error" },
  });
  const { page, consoleErrors } = await newPage(browser, deadline);
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByTestId("first-run").waitFor();
    const codex = page.getByTestId("first-run").locator('[data-testid=provider-status-row][data-provider=codex]');
    // The row shows as soon as the page has statuses; the login check may land a moment later.
    await codex.waitFor();
    await codex.and(page.locator('[data-readiness="not-logged-in"]')).waitFor().catch(async () => {
      fail(`first run: codex shows ${await codex.getAttribute("data-readiness")}, not "not-logged-in"`);
    });
    const text = await codex.innerText();
    if (!text.includes("not logged in") || !text.includes("codex login")) fail(`first run: codex status lacks its fix: ${text}`);
    const shots = join(new URL(".", import.meta.url).pathname, "screenshots");
    await page.screenshot({ path: join(shots, "first-run.png") });
    // The first run at both sizes and in both themes: no overflow, axe clean.
    await eachLook(page, (size, theme) => checkView({ page, shots, fail }, `first-run-${size.name}-${theme}`));
    // The folder picker: click into the folder, add it.
    await page.getByTestId("folder-entry").filter({ hasText: "myproj" }).click();
    await page.waitForFunction(() => document.querySelector("[data-testid=folder-path]")?.value.endsWith("myproj/"));
    await page.getByTestId("folder-add").click();
    await page.getByTestId("first-run").waitFor({ state: "detached" });
    await page.locator(".sidebar").getByText("myproj").first().waitFor();
    // Sending to this codex asks first, with the fix, and Cancel keeps the message unsent.
    await page.locator(".sidebar .project").filter({ hasText: "myproj" }).getByRole("button", { name: "+ thread" }).click();
    await page.getByTestId("composer").fill("Say hello");
    await page.getByTestId("send").click();
    const notReady = page.getByTestId("send-guard");
    await notReady.filter({ hasText: "Codex is not logged in" }).filter({ hasText: "codex login" }).waitFor();
    await page.screenshot({ path: join(shots, "2a-not-ready.png") });
    await notReady.getByRole("button", { name: "Cancel" }).click();
    await notReady.waitFor({ state: "detached" });
    if ((await page.getByTestId("composer").inputValue()) !== "Say hello") fail("first run: Cancel did not keep the message");
    if (await page.getByTestId("message-user").count()) fail("first run: the message was sent after Cancel");
    if (consoleErrors.length) fail(`first run: console errors: ${consoleErrors.join(" | ")}`);
  } finally {
    await page.close();
    await stopServer(server);
  }
}

export async function runSettingsPush({ browser, page, fail }) {
  // A page made by browser.newPage owns its context, so the second tab is a context holding
  // the same session cookie: the same signed-in browser, as far as the server can tell.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(await page.context().cookies());
  const other = await context.newPage();
  // What the second tab asks: the settings once for its connection, settings page or not.
  const asked = [];
  other.on("websocket", (ws) => ws.on("framesent", (frame) => {
    try {
      const tag = JSON.parse(String(frame.payload)).body?._tag;
      if (tag === "server.getSettings") asked.push(tag);
    } catch {
      // Not a request.
    }
  }));
  try {
    await other.goto(page.url());
    for (const p of [page, other]) {
      await p.getByTestId("settings-open").click();
      await p.getByTestId("settings-page").waitFor();
    }
    const box = (p) => p.getByTestId("setting-enableAssistantStreaming");
    await box(page).waitFor();
    await box(other).waitFor();
    if (asked.length !== 1) fail(`a tab that opened the settings page asked for the settings ${asked.length} times; once is enough`);
    const before = await box(other).isChecked();
    await box(page).click();
    await other.waitForFunction(
      (want) => document.querySelector("[data-testid=setting-enableAssistantStreaming]")?.checked === want,
      !before,
    );
    // Put it back, and see that arrive too, so the rest of the run has the setting it started with.
    await box(other).click();
    await page.waitForFunction(
      (want) => document.querySelector("[data-testid=setting-enableAssistantStreaming]")?.checked === want,
      before,
    );
    await acpAgentEditor(page, other, fail);
    await page.locator("[data-testid=session-row][data-current=true]").waitFor();
    await page.screenshot({ path: join(new URL(".", import.meta.url).pathname, "screenshots", "settings.png"), fullPage: true });
    await page.getByTestId("settings-open").click();
    await page.getByTestId("settings-page").waitFor({ state: "detached" });
  } catch (e) {
    fail(`settings push: ${e.message}`);
  } finally {
    await context.close();
  }
}

// An ACP agent added in one tab shows in the other; a bad id is refused with the field named;
// removed, it is gone from both.
async function acpAgentEditor(page, other, fail) {
  const editor = (p) => p.getByTestId("acp-instances");
  await editor(page).getByTestId("acp-add").click();
  const added = editor(page).getByTestId("acp-instance").last();
  await added.getByTestId("acp-id").fill("Bad Id");
  await added.getByTestId("acp-command").fill("/bin/true");
  await editor(page).getByTestId("acp-save").click();
  const refused = await page.getByTestId("settings-error").textContent();
  if (!refused?.includes("instanceId")) fail(`a bad ACP id was not refused by name: ${refused}`);
  await added.getByTestId("acp-id").fill("scratch-agent");
  await editor(page).getByTestId("acp-save").click();
  await editor(page).getByTestId("acp-save").and(page.locator(":disabled")).waitFor();
  await other.waitForFunction(() =>
    [...document.querySelectorAll("[data-testid=acp-id]")].some((input) => input.value === "scratch-agent"),
  );
  await added.getByRole("button", { name: "Remove scratch-agent" }).click();
  await editor(page).getByTestId("acp-save").click();
  await editor(other).getByTestId("acp-instance").first().waitFor({ state: "detached" });
}

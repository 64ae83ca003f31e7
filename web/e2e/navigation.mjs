// Navigation: the server-side thread search finds a thread by a word of its messages, archive
// hides it and "Show archived" brings it back, the command palette (Control+k) opens a thread
// by its title, the address names the open thread, back works, and a reload opens it again.

import { join } from "node:path";

export async function run({ page, fail, shots }) {
  const idFromUrl = () => new URL(page.url()).pathname.slice(1);
  const sidebar = page.locator("nav.sidebar");
  const row = (id) => sidebar.locator(`.thread-row[data-thread-id="${id}"]`);
  // Start from a thread other than the one the search will find (the steps before may have
  // left the codex thread open).
  const codexThread = page.getByTestId("message-assistant").filter({ hasText: "streaming in pieces." });
  if (await codexThread.count()) {
    await sidebar.locator(".thread-row:not(.active) .thread-link").first().click();
    await codexThread.waitFor({ state: "detached" });
  }
  const startId = await sidebar.locator(".thread-row.active").getAttribute("data-thread-id");

  // A word only the first thread's replies hold ("streaming in pieces.").
  await page.getByRole("combobox", { name: "Search threads" }).fill("streaming");
  const hit = page.getByRole("option").filter({ hasText: "streaming" }).first();
  await hit.waitFor();
  await page.getByRole("combobox", { name: "Search threads" }).press("Enter");
  await page.getByTestId("message-assistant").filter({ hasText: "streaming in pieces." }).waitFor();
  await page.waitForFunction((start) => location.pathname.length > 1 && location.pathname !== `/${start}`, startId);
  const found = idFromUrl();
  await row(found).and(page.locator(".active")).waitFor();
  await page.screenshot({ path: join(shots, "13-search.png") }).catch(() => {});

  // Archived, it leaves the list; the toggle shows it again; unarchived, it is back.
  const title = await row(found).locator(".thread-title").innerText();
  await row(found).getByRole("button", { name: `Archive ${title}` }).click();
  await row(found).waitFor({ state: "detached" });
  await sidebar.getByRole("button", { name: "Show archived (1)" }).click();
  await row(found).getByRole("button", { name: `Unarchive ${title}` }).click();
  await sidebar.getByRole("button", { name: /Show archived|Hide archived/ }).waitFor({ state: "detached" });
  await row(found).getByRole("button", { name: `Archive ${title}` }).waitFor();

  // Back returns to the thread open before the search.
  await page.goBack();
  await page.waitForFunction((start) => location.pathname === `/${start}` || location.pathname === "/", startId);
  await row(startId).and(page.locator(".active")).waitFor();

  // The palette: Control+k, the thread's title, Enter.
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await palette.waitFor();
  await palette.getByRole("combobox").fill(title);
  await palette.getByRole("option").first().waitFor();
  await page.screenshot({ path: join(shots, "14-palette.png") }).catch(() => {});
  // Threads of equal titles keep the model's order: the first created comes first.
  const firstOption = await palette.getByRole("option").first().innerText();
  if (!firstOption.includes(title)) fail(`the palette's first result is "${firstOption}", not "${title}"`);
  await page.keyboard.press("Enter");
  await palette.waitFor({ state: "detached" });
  await page.getByTestId("message-assistant").filter({ hasText: "streaming in pieces." }).waitFor();
  if (idFromUrl() !== found) fail(`the palette opened ${idFromUrl()}, not ${found}`);

  // Reloaded on the thread's address, the same thread opens.
  await page.reload();
  await page.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  await page.getByTestId("message-assistant").filter({ hasText: "streaming in pieces." }).waitFor();
  await row(found).and(page.locator(".active")).waitFor();
  if (idFromUrl() !== found) fail(`after the reload the address is ${page.url()}`);
}

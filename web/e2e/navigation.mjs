// Navigation: the server-side thread search finds a thread by a word of its messages, archive
// hides it and "Show archived" brings it back, the command palette (Control+k) opens a thread
// by its title, the address names the open thread, back works, a reload opens it again, and an
// open search follows a rename.

import { join } from "node:path";

export async function run({ page, fail, shots }) {
  const sidebar = page.locator("nav.sidebar");
  const row = (id) => sidebar.locator(`.thread-row[data-thread-id="${id}"]`);
  const search = page.getByRole("combobox", { name: "Search threads" });
  const activeId = () => sidebar.locator(".thread-row.active").getAttribute("data-thread-id");
  // A word only the codex thread's replies hold ("streaming in pieces.").
  const hit = page.getByRole("option").filter({ hasText: "streaming" }).first();
  await search.fill("streaming");
  await hit.waitFor();
  const found = await hit.getAttribute("data-thread-id");
  // Start from another thread (the steps before may have left this one open).
  if ((await activeId()) === found) {
    await search.press("Escape");
    await sidebar.locator(".thread-row:not(.active) .thread-link").first().click();
    await page.waitForFunction((id) => location.pathname !== `/${id}`, found);
    await search.fill("streaming");
    await hit.waitFor();
  }
  const startId = await activeId();
  // The codex thread is open: its address, its row, and its newest reply (a long thread opens
  // at its bottom, so the first reply is not in the document).
  const isOpen = async (why) => {
    await page.waitForFunction((id) => location.pathname === `/${id}`, found).catch(() => fail(`${why}: ${page.url()} is not /${found}`));
    await row(found).and(page.locator(".active")).waitFor();
    await page.getByTestId("message-assistant").filter({ hasText: "The queued message ran." }).last().waitFor();
  };
  await search.press("Enter");
  await isOpen("the search hit");
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
  await isOpen("the palette");

  // Reloaded on the thread's address, the same thread opens.
  await page.reload();
  await page.getByTestId("connection").filter({ hasText: "connected" }).waitFor();
  await isOpen("after the reload");

  // An open search stays live: a thread renamed to match shows up without retyping.
  await search.fill("zebra");
  await page.getByText("No thread matches.").waitFor();
  await page.locator(".thread-head").getByRole("button", { name: "rename" }).click();
  await page.getByRole("textbox", { name: "Thread title" }).fill("zebra notes");
  await page.getByRole("textbox", { name: "Thread title" }).press("Enter");
  await page.getByRole("option").filter({ hasText: "zebra notes" }).waitFor();
  await search.press("Escape");
  await page.locator(".thread-head").getByRole("button", { name: "rename" }).click();
  await page.getByRole("textbox", { name: "Thread title" }).fill(title);
  await page.getByRole("textbox", { name: "Thread title" }).press("Enter");
  await row(found).locator(".thread-title").filter({ hasText: title }).waitFor();
}

// Every main view at desktop and phone size, in the light and the dark theme, without new
// turns: no horizontal overflow, the composer on screen, axe-core finding no serious or
// critical violation, and a screenshot of each (thread, changes, terminal, settings, the phone's
// drawer) (e2e/screenshots/<view>-<size>-<theme>.png).
// ctx: { page, shots, fail }. The page shows a thread that already has turns.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SIZES = [
  { name: "desktop", width: 1400, height: 900 },
  { name: "phone", width: 390, height: 844 },
];
const THEMES = ["light", "dark"];

/** One view as it is now: no horizontal overflow, no serious or critical axe violation, and a
 * screenshot (`<label>.png`). Puts axe into the page if it is not there yet. */
export async function checkView({ page, shots, fail }, label) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (width[0] > width[1]) fail(`${label}: the page is ${width[0]}px wide in a ${width[1]}px window`);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  await page.screenshot({ path: join(shots, `${label}.png`) });
  if (violations.length) fail(`${label}: axe found ${violations.length} serious/critical:\n  ${violations.join("\n  ")}`);
}

/** Each size and theme in turn, set through the top bar's real theme switch. */
export async function eachLook(page, visit) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const theme of THEMES) {
      await page.getByTestId("theme-switch").selectOption(theme);
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      await visit(size, theme);
    }
  }
  await page.getByTestId("theme-switch").selectOption("system");
  await page.setViewportSize({ width: 1280, height: 800 });
}

export async function run({ page, shots, fail }) {
  const started = Date.now();
  // The page's CSP allows no inline or foreign script: axe goes in as evaluated source.
  await page.evaluate(axeSource);
  const composer = page.getByTestId("composer");

  // Add to home screen: the linked manifest is served as one, and every icon it names loads.
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]')?.getAttribute("href");
    if (!href) return { error: "no manifest link" };
    const answer = await fetch(href);
    const body = await answer.json();
    const icons = await Promise.all(body.icons.map(async (i) => {
      const r = await fetch(i.src);
      return `${i.src} ${r.status} ${r.headers.get("content-type")}`;
    }));
    return { type: answer.headers.get("content-type"), icons };
  });
  if (manifest.type !== "application/manifest+json") fail(`the manifest: ${JSON.stringify(manifest)}`);
  const badIcon = manifest.icons.find((i) => !/ 200 image\//.test(i));
  if (badIcon) fail(`a manifest icon does not load: ${badIcon}`);

  const check = (view, size, theme) => checkView({ page, shots, fail }, `${view}-${size.name}-${theme}`);

  async function composerOnScreen(label, height) {
    const box = await composer.boundingBox();
    if (!box || box.y < 0 || box.y + box.height > height) fail(`${label}: the composer is off screen (${JSON.stringify(box)})`);
  }

  await eachLook(page, async (size, theme) => {
    const phone = size.width < 768;
    await composer.waitFor();
    await composerOnScreen(`thread-${size.name}-${theme}`, size.height);
    await check("thread", size, theme);

    await page.getByTestId("toggle-diff").click();
    await page.getByTestId("diff-panel").waitFor();
    await check("changes", size, theme);
    // On a phone the panel is a sheet over the thread: its own close button.
    await page.getByTestId(phone ? "close-diff" : "toggle-diff").click();
    await page.getByTestId("diff-panel").waitFor({ state: "detached" });

    await page.getByTestId("toggle-terminal").click();
    await page.locator('[data-testid="terminal"] .xterm').waitFor();
    await check("terminal", size, theme);
    await page.getByTestId("hide-terminal").click();
    await page.getByTestId("terminal-drawer").waitFor({ state: "detached" });

    if (phone) {
      const sidebar = page.locator("#sidebar");
      await page.getByTestId("menu").click();
      await page.waitForFunction(() => document.getElementById("sidebar")?.getBoundingClientRect().left === 0);
      if (!(await page.evaluate(() => document.getElementById("sidebar").contains(document.activeElement)))) {
        fail("the opened drawer did not take the focus");
      }
      await check("sidebar", size, theme);
      await page.keyboard.press("Escape");
      await sidebar.waitFor({ state: "hidden" });
      await composerOnScreen(`after-drawer-${theme}`, size.height);
    }

    // The settings page (/settings), from the top bar's gear and back.
    await page.getByTestId("settings-open").click();
    await page.getByTestId("settings-page").waitFor();
    await check("settings", size, theme);
    await page.getByTestId("settings-open").click();
    await page.getByTestId("settings-page").waitFor({ state: "detached" });
    await composer.waitFor();
  });
  console.log(`e2e: views (2 sizes × 2 themes, axe) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// Run once by hand (node scripts/render-icons.mjs, from web/) when icon.svg changes; not a build step: renders public/icon.svg to the PNG sizes the manifest lists (outputs are committed).
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
const svg = readFileSync("public/icon.svg", "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}`);
  await page.screenshot({ path: `public/icon-${size}.png`, omitBackground: true });
  await page.close();
}
await browser.close();

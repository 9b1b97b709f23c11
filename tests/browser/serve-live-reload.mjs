// Live reload in real Chromium: run by tests/serve.rs against a running `jiedu serve`.
// Usage: node serve-live-reload.mjs <clause page URL> <policy.md path> <qa.md path> <jiedu.css path>
// Saves the clause's source with new text and waits for it to appear without a manual reload;
// checks the scroll position survives the reload, that a CSS-only change is swapped in without
// a reload, and that a content error shows an escaped overlay that the next good save clears.
import { chromium } from "playwright-core";
import { CHROMIUM_PATH, CHROMIUM_ARGS } from "./lib/chromium.mjs";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [pageUrl, policyPath, qaPath, cssPath] = process.argv.slice(2);
const WAIT = 30000;
const profile = mkdtempSync(join(tmpdir(), "jiedu-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  viewport: { width: 1000, height: 500 },
  args: CHROMIUM_ARGS,
});
let failed = false;
function check(ok, what) {
  console.log(`${ok ? "ok" : "FAIL"} - ${what}`);
  if (!ok) failed = true;
}
try {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  // The stream is open once the script has connected; wait for it before editing.
  const connected = () => document.documentElement.getAttribute("data-jiedu-live") === "open";
  await page.waitForFunction(connected, null, { timeout: WAIT });

  // 1. Edit the clause text, keep the reader's scroll position.
  const original = readFileSync(policyPath, "utf8");
  const marker = "浏览器实时预览新增文字";
  const heading = await page.locator("main h1").first().textContent();
  const clauseText = await page.locator(".clause-text").first().textContent();
  const anchor = clauseText.trim().slice(0, 12);
  if (!original.includes(anchor)) throw new Error(`clause text not found in source: ${anchor}`);
  await page.evaluate(() => { document.body.style.minHeight = "3000px"; window.scrollTo(0, 300); });
  const scrolled = await page.evaluate(() => window.scrollY);
  writeFileSync(policyPath, original.replace(anchor, anchor + marker));
  await page.waitForFunction((m) => document.body.innerText.includes(m), marker, { timeout: WAIT });
  check(true, `new text appears without a manual reload (${heading.trim()})`);
  await page.waitForFunction(connected, null, { timeout: WAIT });
  const after = await page.evaluate(() => window.scrollY);
  check(Math.abs(after - scrolled) < 5, `scroll position kept (${scrolled} → ${after})`);

  // 2. A CSS-only change is swapped in without reloading the page.
  await page.waitForFunction(connected, null, { timeout: WAIT });
  await page.evaluate(() => { window.__jieduNoReload = true; });
  const css = readFileSync(cssPath, "utf8");
  writeFileSync(cssPath, css + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)",
    null, { timeout: WAIT });
  check(await page.evaluate(() => window.__jieduNoReload === true), "stylesheet swapped without a reload");
  writeFileSync(cssPath, css);

  // 3. A save with an error shows an overlay (escaped), the old page stays; the fix clears it.
  const qa = readFileSync(qaPath, "utf8");
  const bad = "<b>9.9.9</b>";
  writeFileSync(qaPath, qa.replace(/cites: \[[^\]\n]*\]/, `cites: ["${bad}"]`));
  const overlay = page.locator("#jiedu-problem");
  await overlay.waitFor({ state: "visible", timeout: WAIT });
  const text = await overlay.textContent();
  check(text.includes("qa.md") && text.includes(bad), "overlay names the file and quotes the bad id");
  check(await page.locator("#jiedu-problem b").count() === 0, "overlay text is escaped, not HTML");
  check((await page.locator("body").innerText()).includes(marker), "last good page still shown");
  writeFileSync(qaPath, qa);
  await overlay.waitFor({ state: "detached", timeout: WAIT });
  check(true, "good save clears the overlay");
} catch (e) {
  console.log(`FAIL - ${e.message}`);
  failed = true;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

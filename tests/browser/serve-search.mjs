// Search in the preview, in real Chromium: run by tests/serve.rs against a running `jiedu serve`.
// Usage: node serve-search.mjs <search page URL> <qa.md path> <question page path>
// Searches for words the site does not have yet, saves a Q&A answer with them, and searches
// again until the answer's question page is found; the search page does not reload, so the
// query is run again from the address, as a citizen would press Enter once more.
import { readFileSync, writeFileSync } from "node:fs";
import { launch, Checks } from "./lib/browser.mjs";

const [searchUrl, qaPath, questionPath] = process.argv.slice(2);
const WAIT = 30000;
const WORDS = "预览检索新增词句";
const browser = await launch();
const checks = new Checks();
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));

/** Opens the search page with `q` in the address and returns the hits' paths. The preview's
 * HTTP layer (tiny_http) sometimes leaves one of a burst of index requests unanswered, so a
 * search that has not finished in 10 s is opened again, as a reader would reload; each retry
 * is logged, as is a navigation a live reload aborted. */
let retries = 0;
async function search(q) {
  for (let attempt = 0; ; attempt++) {
    try {
      // Inside the try: a live reload landing while the page loads aborts the navigation
      // (net::ERR_ABORTED, seen on a loaded 2-core machine), which is retried the same way.
      await page.goto(`${searchUrl}?q=${encodeURIComponent(q)}`);
      // Null-safe: a live reload can swap the document between polls, and a predicate that
      // throws then is reported as the page's own script error.
      await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status")?.textContent ?? ""),
        null, { timeout: 10000 });
      // Awaited here, so that a live reload landing between the wait and the read (the saved
      // answer changes pages the search page links) is retried like an unfinished search.
      return await page.$$eval("#search-results > li a", (as) => as.map((a) => new URL(a.href).pathname));
    } catch (e) {
      if (attempt >= 3) throw e;
      retries++;
      console.log(`retry ${retries}: the search for ${q} did not finish (${await page.textContent("#search-status").catch(() => "?")})`);
    }
  }
}

const qa = readFileSync(qaPath, "utf8");
try {
  const known = await search("积水潭");
  checks.ok(known.includes(questionPath), `the preview's search finds 积水潭 on ${questionPath} (got ${known.slice(0, 5).join(", ")})`);
  checks.ok((await search(WORDS)).length === 0, "the new words are not on the site before the edit");

  writeFileSync(qaPath, qa.replace("一期投入使用", `一期投入使用，${WORDS}`));
  const deadline = Date.now() + WAIT;
  let found = [];
  while (Date.now() < deadline) {
    found = await search(WORDS);
    if (found.includes(questionPath)) break;
    await page.waitForTimeout(200);
  }
  checks.ok(found.includes(questionPath), `after the save, searching the new words finds ${questionPath} (got ${found.join(", ")})`);
  const status = await page.textContent("#search-status");
  checks.ok(!status.includes("暂时不可用"), `the search works in the preview (status: ${status.trim()})`);
  checks.ok(errors.length === 0, `no script errors (${errors.join("; ")})`);
} catch (e) {
  checks.ok(false, e.message);
} finally {
  writeFileSync(qaPath, qa);
  await browser.close();
}
checks.finish();

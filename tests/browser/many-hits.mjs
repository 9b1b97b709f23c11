// A word that nearly every record of a large site holds is still searched: the engine keeps no
// list of all hits in a call's arguments (Math.max(...hits) overflowed the stack at 5,000
// policies, 100,000 hits, and the search never ended). The browser runs with a small
// JavaScript stack (--js-flags=--stack-size) so that a few thousand hits on a small site
// stand for the many of a large one.
// Usage: node many-hits.mjs <built site dir> <expectations.json>
//   expectations: { "search_page": "/search/", "engine": "/search-index/engine.js",
//                   "query": "…", "stack_kb": 60, "min_hits": 1000 }
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { serveSite } from "./lib/static-server.mjs";
import { Checks } from "./lib/browser.mjs";
import { CHROMIUM_PATH, CHROMIUM_ARGS } from "./lib/chromium.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const site = await serveSite(resolve(siteDir));
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [...CHROMIUM_ARGS, `--js-flags=--stack-size=${expect.stack_kb}`],
});
const page = await browser.newPage();
await page.goto(site.url + expect.search_page);
const got = await page.evaluate(async ({ engineUrl, query }) => {
  try {
    const engine = await import(engineUrl);
    await engine.init();
    const search = await engine.search(query);
    return { hits: search.results.length };
  } catch (e) {
    return { error: String(e) };
  }
}, { engineUrl: expect.engine, query: expect.query });
const checks = new Checks();
console.log(`${expect.query}: ${JSON.stringify(got)} (JavaScript stack ${expect.stack_kb} KB)`);
checks.ok(!got.error, `${expect.query}: the search failed: ${got.error}`);
checks.ok(got.hits >= expect.min_hits, `${expect.query}: ${got.hits} hits, fewer than ${expect.min_hits}`);
await browser.close();
await site.close();
checks.finish();

// Recall of policy terms through the site's real search engine in Chromium, against the index
// the build wrote: for each term, every page whose text contains it must be found.
// Usage: node recall.mjs <built site dir> <expectations.json>
//   expectations: { "search_page": "/search/", "engine": "/search-index/engine.js",
//                   "terms": [{ "term": "安宁疗护", "pages": ["/slug/clause/4-6-1/", …] }] }
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch, Checks } from "./lib/browser.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const page = await browser.newPage();
await page.goto(site.url + expect.search_page);

const found = await page.evaluate(async ({ engineUrl, terms }) => {
  const engine = await import(engineUrl);
  await engine.init();
  const out = {};
  for (const term of terms) {
    const search = await engine.search(term);
    const data = await Promise.all(search.results.map((r) => r.data()));
    out[term] = data.map((d) => new URL(d.url, location.href).pathname);
  }
  return out;
}, { engineUrl: expect.engine, terms: expect.terms.map((t) => t.term) });

const checks = new Checks();
for (const { term, pages } of expect.terms) {
  const got = new Set(found[term]);
  const missing = pages.filter((p) => !got.has(p));
  console.log(`${term}: ${pages.length} pages contain it, ${found[term].length} hits, ${missing.length} missed`);
  checks.ok(pages.length > 0, `${term}: the term occurs in the site (test data)`);
  checks.ok(missing.length === 0, `${term}: not found on ${missing.join(", ")}`);
}
await browser.close();
await site.close();
checks.finish();

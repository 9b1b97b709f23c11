// The 政策文件库 in real Chromium: the filter selects combine (year × issuer × topic × validity)
// on the page of all policies, the date sort reorders the rows, the choice is kept in the
// address, a shared address opens with its filters applied, nothing loads from outside the
// site; without JavaScript the combined form is hidden and the per-value pages still filter.
// A search hit from a repealed policy says so.
// Usage: node library.mjs <built site dir> <expectations.json>
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch, Checks } from "./lib/browser.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const checks = new Checks();

const page = await browser.newPage();
const outside = [];
page.on("request", (r) => { if (!r.url().startsWith(site.url) && !r.url().startsWith("data:")) outside.push(r.url()); });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));

/** The policy links of the rows a reader can see, in order. */
const visibleRows = (p) => p.$$eval(".library-table tbody tr", (trs) =>
  trs.filter((tr) => tr.offsetParent !== null).map((tr) => tr.querySelector("td a").getAttribute("href")));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

await page.goto(site.url + expect.library);
checks.ok(await page.$eval(".library-filter", (f) => getComputedStyle(f).display !== "none"), "with JavaScript the combined filter form is shown");
const all = await visibleRows(page);
checks.ok(same(all, expect.newest_first), `all policies, newest first: ${JSON.stringify(all)}`);

for (const c of expect.combinations) {
  for (const [name, value] of Object.entries(c.select)) await page.selectOption(`#filter-${name}`, value);
  const rows = await visibleRows(page);
  checks.ok(same(rows, c.rows), `${JSON.stringify(c.select)} shows ${JSON.stringify(c.rows)}, got ${JSON.stringify(rows)}`);
  const count = await page.$eval("[data-library-count]", (s) => s.textContent);
  checks.ok(count === String(c.rows.length), `count says ${count} for ${c.rows.length} rows`);
  const status = await page.$eval(".filter-status", (s) => s.textContent);
  checks.ok(status.includes(String(c.rows.length)), `status announces the result: ${status}`);
  const empty = await page.$eval(".library-empty", (p) => !p.hidden);
  checks.ok(empty === (c.rows.length === 0), "the no-result note shows exactly when nothing matches");
  const query = new URL(page.url()).search;
  const shared = await browser.newPage();
  await shared.goto(site.url + expect.library + query);
  const again = await visibleRows(shared);
  checks.ok(same(again, c.rows), `the address ${query} reopens the same rows: ${JSON.stringify(again)}`);
  await shared.close();
  for (const name of Object.keys(c.select)) await page.selectOption(`#filter-${name}`, name === "sort" ? "desc" : "");
}
checks.ok(same(await visibleRows(page), expect.newest_first), "clearing the filters shows every policy again");
checks.ok(outside.length === 0, `nothing loads from outside the site: ${outside.join(", ")}`);
checks.ok(errors.length === 0, `no script errors: ${errors.join("; ")}`);

// Without JavaScript: no dead form, and each per-value page lists its policies only.
{
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p = await noJs.newPage();
  await p.goto(site.url + expect.library);
  checks.ok(await p.$eval(".library-filter", (f) => getComputedStyle(f).display === "none"), "without JavaScript the combined form is hidden");
  for (const f of expect.facet_pages) {
    await p.goto(site.url + expect.library);
    await Promise.all([p.waitForURL((u) => u.pathname === f.path), p.click(`main a[href="${f.path}"]`)]);
    const rows = await visibleRows(p);
    checks.ok(same(rows, f.rows), `without JavaScript ${f.path} lists ${JSON.stringify(f.rows)}, got ${JSON.stringify(rows)}`);
  }
  await noJs.close();
}

// A search hit from a policy no longer in force carries its status.
{
  const p = await browser.newPage();
  await p.goto(site.url + expect.search.page);
  await p.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status").textContent));
  const hits = await p.$$eval("#search-results > li", (lis) => lis.map((li) => ({
    href: li.querySelector("a").getAttribute("href"),
    status: li.querySelector(".hit-status")?.textContent ?? "",
  })));
  const flagged = hits.filter((h) => h.href.startsWith(expect.search.repealed_prefix));
  checks.ok(flagged.length > 0 && flagged.every((h) => h.status === expect.search.status), `hits of the repealed policy say ${expect.search.status}: ${JSON.stringify(hits)}`);
  const others = hits.filter((h) => !h.href.startsWith(expect.search.repealed_prefix));
  checks.ok(others.every((h) => h.status === ""), "hits of policies in force carry no status");
  await p.close();
}

await browser.close();
await site.close();
checks.finish();

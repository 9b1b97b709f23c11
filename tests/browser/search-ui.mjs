// The search page in real Chromium: typing a citizen's words lists the right pages first,
// filters narrow the hits, a hit opens the page at its passage, nothing loads from outside
// the site, and without JavaScript the page still offers useful links.
// Usage: node search-ui.mjs <built site dir> <expectations.json>
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch, Checks } from "./lib/browser.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const checks = new Checks();

const path = (href) => new URL(href, site.url).pathname + new URL(href, site.url).hash;
const page = await browser.newPage();
const outside = [];
page.on("request", (r) => { if (!r.url().startsWith(site.url) && !r.url().startsWith("data:")) outside.push(r.url()); });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));

async function hits() {
  return page.$$eval("#search-results > li", (lis) => lis.map((li) => ({
    kind: li.querySelector(".tag")?.textContent ?? "",
    href: li.querySelector("a")?.getAttribute("href") ?? "",
    title: li.querySelector("a")?.textContent ?? "",
    marks: [...li.querySelectorAll(".excerpt mark")].map((m) => m.textContent),
  })));
}

/** Types like a person and waits until the status announces the finished search. */
async function typeQuery(text) {
  await page.fill("#search-q", "");
  await page.locator("#search-q").pressSequentially(text, { delay: 30 });
  await page.waitForFunction((t) => {
    const s = document.getElementById("search-status").textContent;
    return new URLSearchParams(location.search).get("q") === t && /找到|没有找到/.test(s);
  }, text);
  return hits();
}

async function settle() {
  await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status").textContent));
  await page.waitForTimeout(300);
  await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status").textContent));
  return hits();
}

await page.goto(site.url + expect.search_page);
await page.waitForFunction(() => document.getElementById("search").classList.contains("search-ready"));

// Accessibility of the page: labelled input, results in a list, status announced.
checks.ok(await page.$eval("#search-q", (i) => i.labels.length > 0 && i.labels[0].textContent.trim().length > 0), "search input has a visible label");
checks.ok(await page.$eval("#search-status", (s) => s.getAttribute("aria-live") === "polite" && s.getAttribute("role") === "status"), "status is announced (role=status, aria-live=polite)");
checks.ok(await page.$eval("#search-results", (l) => l.tagName === "OL"), "results are an ordered list");
checks.ok(await page.$eval("#search-format", (s) => s.labels.length > 0) && await page.$eval("#search-unit", (s) => s.labels.length > 0), "filters are labelled");

for (const q of expect.queries) {
  const list = await typeQuery(q.text);
  const top = list.slice(0, q.within).map((h) => path(h.href));
  console.log(`query ${q.text}: ${list.length} shown; first: ${list.slice(0, 3).map((h) => `${h.kind} ${h.title} ${path(h.href)}`).join(" | ")}`);
  for (const want of q.expect) {
    checks.ok(top.some((p) => p.split("#")[0] === want), `"${q.text}": ${want} among the first ${q.within} hits (got ${top.join(", ")})`);
  }
  checks.ok(list.every((h) => h.kind && h.title), `"${q.text}": every hit shows its type and title`);
  checks.ok(list.length > 0 && list.every((h) => h.marks.length > 0), `"${q.text}": every hit has a highlighted excerpt`);
}

// One result per page; 本页还有 N 处 opens the page's other matching passages.
{
  const list = await typeQuery(expect.grouped.query);
  const pages = list.map((h) => path(h.href).split("#")[0]);
  checks.ok(new Set(pages).size === pages.length, `"${expect.grouped.query}": one result per page (${pages.join(", ")})`);
  const more = page.locator("#search-results > li .hit-more").first();
  checks.ok(await more.count() === 1, `"${expect.grouped.query}": a page with several passages offers 本页还有 N 处`);
  if (await more.count()) {
    const label = await more.locator("summary").textContent();
    await more.locator("summary").click();
    await more.locator("li a").first().waitFor();
    const hit = path(await more.locator("xpath=..").locator("a").first().getAttribute("href")).split("#")[0];
    const others = await more.locator("li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const n = Number(/本页还有 (\d+) 处/.exec(label)?.[1]);
    checks.ok(others.length === n && others.every((h) => path(h).split("#")[0] === hit), `${label} lists ${n} passages of ${hit} (${others.join(", ")})`);
  }
}

// Ten results at first; 显示更多结果 appends the next ones, still one per page.
{
  const first = await typeQuery(expect.many.query);
  checks.ok(first.length === 10 && await page.isVisible("#search-more"), `"${expect.many.query}": 10 results shown first, with 显示更多结果 (${first.length})`);
  await page.click("#search-more");
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 10);
  const all = (await hits()).map((h) => path(h.href).split("#")[0]);
  checks.ok(new Set(all).size === all.length && all.length > 10, `显示更多结果 adds other pages (${all.length})`);
}

// A question typed as people ask it: the words matched are said, and 简明问答 questions are
// suggested.
{
  const list = await typeQuery(expect.question.query);
  const said = await page.$eval("#search-status", (s) => s.textContent);
  console.log(`question ${expect.question.query}: ${said}`);
  checks.ok(list.length > 0 && path(list[0].href) === expect.question.first, `"${expect.question.query}": ${expect.question.first} first (got ${list.map((h) => path(h.href)).join(", ")})`);
  checks.ok(expect.question.words.every((w) => said.includes(w)), `"${expect.question.query}": the status names the matched words ${expect.question.words.join("、")} (${said})`);
  const suggested = await page.$$eval("#search-suggestions:not([hidden]) a", (as) => as.map((a) => a.getAttribute("href")));
  checks.ok(suggested.map(path).includes(expect.question.first), `"${expect.question.query}": the question is suggested (${suggested.join(", ")})`);
}

// A typo finds the page and says what was searched instead.
{
  const list = await typeQuery(expect.typo.query);
  const offered = await page.$$eval("#search-status a", (as) => as.map((a) => a.textContent));
  checks.ok(offered.length === 1 && offered[0] === expect.typo.corrected, `"${expect.typo.query}": 您是不是要找 ${expect.typo.corrected} (got ${offered.join(", ")})`);
  checks.ok(list.length > 0 && list.every((h) => h.marks.length > 0), `"${expect.typo.query}": the corrected spelling's hits are highlighted`);
}

// Filtering by format leaves only hits of that format.
{
  await typeQuery(expect.filter.query);
  const before = await hits();
  await page.selectOption("#search-format", expect.filter.format);
  const after = await settle();
  console.log(`filter ${expect.filter.format} on ${expect.filter.query}: ${before.length} → ${after.length}`);
  checks.ok(after.length > 0 && after.every((h) => h.kind === expect.filter.format), `format filter leaves only ${expect.filter.format} hits (got ${after.map((h) => h.kind).join(",")})`);
  checks.ok(after.length < before.length, "format filter removes other hits");
  checks.ok(new URL(page.url()).searchParams.get("format") === expect.filter.format, "the filter is kept in the address");
  await page.selectOption("#search-format", "");
  await page.selectOption("#search-unit", expect.filter.unit);
  const byUnit = await settle();
  checks.ok(byUnit.length > 0 && byUnit.length < before.length, `unit filter ${expect.filter.unit} narrows the hits (${before.length} → ${byUnit.length})`);
  await page.selectOption("#search-unit", "");
}

// Clicking a hit opens the page at the passage.
{
  await page.selectOption("#search-format", expect.passage.format);
  await typeQuery(expect.passage.query);
  const first = (await hits())[0];
  checks.ok(first && first.href.includes("#"), `a ${expect.passage.format} hit links to its passage anchor (${first?.href})`);
  await Promise.all([page.waitForURL((u) => u.hash.length > 1), page.click("#search-results > li:first-child a")]);
  const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
  const visible = await page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  }, id);
  checks.ok(visible, `clicking the hit scrolls to its passage #${id}`);
}

// Entering the search page from the header box with a query runs it.
{
  await page.goto(site.url + expect.search_page + "?q=" + encodeURIComponent(expect.queries[0].text));
  const list = await settle();
  checks.ok(list.length > 0, "a query in the address (from the header box) is searched on arrival");
  checks.ok(await page.$eval("#site-search", (i) => i.value) === expect.queries[0].text, "the header box shows the query");
}

checks.ok(outside.length === 0, `nothing loads from outside the site (${outside.join(", ")})`);
checks.ok(site.requests.some((r) => r.includes("/search-index/engine.js")), "the search engine comes from the site's own /search-index/");
checks.ok(errors.length === 0, `no script errors (${errors.join("; ")})`);

// Without JavaScript: the header box still goes to the search page, which offers browsing links.
{
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p = await noJs.newPage();
  await p.goto(site.url + "/");
  await p.fill("#site-search", expect.queries[0].text);
  await Promise.all([p.waitForURL(/\/search\/\?q=/), p.press("#site-search", "Enter")]);
  const links = await p.$$eval(".search-fallback a", (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.getAttribute("href")));
  checks.ok(links.length >= 2, `without JavaScript the search page offers browsing links (${links.length})`);
  checks.ok(await p.$eval(".search-page-form", (f) => getComputedStyle(f).display === "none"), "without JavaScript no dead search controls are shown");
  await noJs.close();
}

await browser.close();
await site.close();
checks.finish();

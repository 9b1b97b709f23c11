// A judged set of citizens' queries, typed into the real search page in Chromium: per group,
// recall@10, precision@5, MRR, queries with no result, queries with any result, and queries
// whose first relevant page is in the top 3. Fails when a group misses its targets.
// With "pagefind": "/pagefind/" the same queries also go to Pagefind's own script (a bundle
// made by `pagefind --site <dir> --output-subdir pagefind`) on the same page, and its figures
// are printed beside jiedu's; `ahead` lists groups where jiedu's MRR must exceed Pagefind's,
// `fewer_hits` groups (off-topic) where jiedu must answer no more queries than Pagefind.
// Usage: node query-set.mjs <built site dir> <expectations.json>
//   expectations: { "search_page": "/search/", "pagefind": "/pagefind/"?, "ahead": ["<group>"]?,
//                   "queries": [{ "group", "also": ["<group>"]?, "text", "relevant": ["/x/qa/y/", …] }],
//                   "targets": { "<group>": { "zero_max", "mrr_min", "p5_min", "hits_max",
//                                              "top3_all" } } }
// Precision@5 is over the results shown among the first five (a query with two results, both
// relevant, scores 1); queries without results count as zero results, not in precision.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch, Checks } from "./lib/browser.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
await page.goto(site.url + expect.search_page);
await page.waitForFunction(() => document.getElementById("search").classList.contains("search-ready"));

/** Types the query and returns the pages of the results, in order, once the search is done. */
async function pagesFor(text) {
  await page.fill("#search-q", text);
  await page.waitForFunction((t) => {
    const s = document.getElementById("search-status").textContent;
    return new URLSearchParams(location.search).get("q") === t && /找到/.test(s);
  }, text);
  return page.$$eval("#search-results > li", (lis) => lis.map((li) => {
    const a = li.querySelector("a");
    return a ? new URL(a.href).pathname : "";
  }));
}

/** Pagefind's results for the query, in order, as page paths (all of them, loaded in turn). */
async function pagefindPagesFor(text) {
  return page.evaluate(async ({ bundle, text }) => {
    window.__pagefind ||= await import(bundle + "pagefind.js");
    const search = await window.__pagefind.search(text);
    const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
    return data.map((d) => new URL(d.url, location.href).pathname);
  }, { bundle: expect.pagefind, text });
}

/** Per group: recall@10, precision@5, reciprocal ranks, empty and non-empty results. */
async function measure(pagesFor, log) {
  const groups = new Map();
  for (const q of expect.queries) {
    const got = await pagesFor(q.text);
    const relevant = new Set(q.relevant);
    const top10 = new Set(got.slice(0, 10));
    const first5 = got.slice(0, 5);
    const rank = got.findIndex((p) => relevant.has(p)) + 1;
    for (const name of [q.group, ...(q.also || [])]) {
      const g = groups.get(name) || { n: 0, recall: 0, p5: 0, p5n: 0, rr: 0, zero: 0, hits: 0, top3: 0, misses: [] };
      g.n += 1;
      if (relevant.size) g.recall += [...relevant].filter((p) => top10.has(p)).length / relevant.size;
      if (first5.length) {
        g.p5 += first5.filter((p) => relevant.has(p)).length / first5.length;
        g.p5n += 1;
    }
    g.rr += rank ? 1 / rank : 0;
    if (!got.length) g.zero += 1; else g.hits += 1;
    if (rank >= 1 && rank <= 3) g.top3 += 1;
    else if (relevant.size) g.misses.push(q.text);
    groups.set(name, g);
    }
    if (log) console.log(`[${q.group}] ${q.text}: ${got.length} results, first relevant at ${rank || "-"}; top 3: ${got.slice(0, 3).join(" ")}`);
  }
  return groups;
}

const groups = await measure(pagesFor, true);
const pagefind = expect.pagefind ? await measure(pagefindPagesFor, !!process.env.PAGEFIND_LOG) : null;

const checks = new Checks();
const f = (x) => x.toFixed(2);
const summarize = (g) => ({
  queries: g.n,
  recall10: g.recall / g.n,
  p5: g.p5n ? g.p5 / g.p5n : 0,
  mrr: g.rr / g.n,
  zero: g.zero,
  hits: g.hits,
  top3: g.top3,
});
console.log("| group | engine | queries | recall@10 | precision@5 | MRR | zero results | with results | relevant in top 3 |");
console.log("|---|---|---|---|---|---|---|---|---|");
const summary = {};
const pagefindSummary = {};
const row = (name, engine, s) => {
  const na = name.startsWith("offtopic");
  console.log(`| ${name} | ${engine} | ${s.queries} | ${na ? "–" : f(s.recall10)} | ${na ? "–" : f(s.p5)} | ${na ? "–" : f(s.mrr)} | ${s.zero} | ${s.hits} | ${na ? "–" : s.top3} |`);
};
for (const [name, g] of groups) {
  // Off-topic queries have no relevant page: recall, MRR and top 3 do not apply.
  const s = summarize(g);
  summary[name] = s;
  row(name, "jiedu", s);
  if (pagefind?.has(name)) {
    pagefindSummary[name] = summarize(pagefind.get(name));
    row(name, "Pagefind", pagefindSummary[name]);
  }
  const t = expect.targets[name] || {};
  if (t.zero_max !== undefined) checks.ok(s.zero <= t.zero_max, `${name}: ${s.zero} queries without results (at most ${t.zero_max})`);
  if (t.mrr_min !== undefined) checks.ok(s.mrr >= t.mrr_min, `${name}: MRR ${f(s.mrr)} (at least ${t.mrr_min})`);
  if (t.p5_min !== undefined) checks.ok(s.p5 >= t.p5_min, `${name}: precision@5 ${f(s.p5)} (at least ${t.p5_min})`);
  if (t.hits_max !== undefined) checks.ok(s.hits <= t.hits_max, `${name}: ${s.hits} queries with results (at most ${t.hits_max})`);
  if (t.top3_all) checks.ok(g.misses.length === 0, `${name}: relevant page not in the top 3 for ${g.misses.join("、")}`);
}
for (const name of expect.fewer_hits || []) {
  const ours = summary[name], theirs = pagefindSummary[name];
  checks.ok(ours && theirs && ours.hits <= theirs.hits, `${name}: jiedu answers ${ours && ours.hits} queries, Pagefind ${theirs && theirs.hits}`);
}
for (const name of expect.ahead || []) {
  const ours = summary[name], theirs = pagefindSummary[name];
  checks.ok(ours && theirs && ours.mrr > theirs.mrr, `${name}: jiedu MRR ${ours && f(ours.mrr)} ahead of Pagefind's ${theirs && f(theirs.mrr)}`);
}
console.log("summary " + JSON.stringify(summary));
if (pagefind) console.log("pagefind " + JSON.stringify(pagefindSummary));
checks.ok(groups.size === Object.keys(expect.targets).length, "every group with targets has queries");
checks.ok(errors.length === 0, `no script errors (${errors.join("; ")})`);
await browser.close();
await site.close();
checks.finish();

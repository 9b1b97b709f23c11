// Measures, in Chromium, what the browser downloads to search: the search page's one-time
// load of the engine and the index metadata and, for each query typed, the index shards and
// result fragments it fetches. Uses performance.getEntriesByType('resource').
// Usage: node query-bytes.mjs <built site dir> <query>…
//    or: node query-bytes.mjs <built site dir> <expectations.json>
//        expectations: { "queries": ["…"], "max_kb": 60 }: fails where a query's total
//        (engine, metadata, shards and fragments) is over max_kb.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch, Checks } from "./lib/browser.mjs";

const [siteDir, ...args] = process.argv.slice(2);
const expect = args.length === 1 && args[0].endsWith(".json") ? JSON.parse(await readFile(args[0], "utf8")) : null;
const queries = expect ? expect.queries : args;
const checks = new Checks();
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const kb = (n) => (n / 1024).toFixed(1) + " KB";

const read = () => performance.getEntriesByType("resource")
  .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize || e.transferSize }));

for (const q of queries) {
  const context = await browser.newContext(); // a cold cache for every query
  const page = await context.newPage();
  await page.goto(site.url + "/search/");
  await page.waitForFunction(() => document.getElementById("search").classList.contains("search-ready"));
  const before = await page.evaluate(read);
  await page.fill("#search-q", q);
  await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status").textContent));
  const after = await page.evaluate(read);
  const bundle = (list, re) => list.filter((e) => e.name.includes("/search-index/") && re.test(e.name)).reduce((s, e) => s + e.bytes, 0);
  const load = bundle(before, /./);
  const library = bundle(after, /engine\.js$/);
  const meta = bundle(after, /meta\.json$/);
  const chunks = bundle(after, /\/(t|p|n|f|format|unit)\/[^/]+$/); // every index file a query reads
  const hits = await page.$$eval("#search-results > li", (l) => l.length);
  const total = library + meta + chunks;
  if (expect) checks.ok(total <= expect.max_kb * 1024, `${q}: ${kb(total)} fetched, more than ${expect.max_kb} KB`);
  console.log(`查询“${q}”：搜索程序（engine.js，可缓存）${kb(library)}；索引元数据（每次访问一次）${kb(meta)}；本次查询的索引分片与结果片段 ${kb(chunks)}；合计 ${kb(library + meta + chunks)}（显示 ${hits} 条，页面加载时已下载 ${kb(load)}）`);
  await context.close();
}
await browser.close();
await site.close();
if (expect) checks.finish();

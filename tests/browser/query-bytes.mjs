// Measures, in Chromium, what the browser downloads to search: the search page's one-time
// load of Pagefind (script, worker, WASM, entry, metadata) and, for each query typed, the
// index and fragment chunks it fetches. Uses performance.getEntriesByType('resource').
// Usage: node query-bytes.mjs <built site dir> <query>…
import { resolve } from "node:path";
import { serveSite } from "./lib/static-server.mjs";
import { launch } from "./lib/browser.mjs";

const [siteDir, ...queries] = process.argv.slice(2);
const site = await serveSite(resolve(siteDir));
const browser = await launch();
const kb = (n) => (n / 1024).toFixed(1) + " KB";

// Pagefind fetches its WASM and index chunks from a Web Worker, whose resource timing is its
// own: read the page's entries and every worker's.
const read = () => performance.getEntriesByType("resource")
  .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize || e.transferSize }));
const entries = async (page) => {
  const lists = [await page.evaluate(read)];
  for (const w of page.workers()) lists.push(await w.evaluate(read));
  return lists.flat();
};

for (const q of queries) {
  const context = await browser.newContext(); // a cold cache for every query
  const page = await context.newPage();
  await page.goto(site.url + "/search/");
  await page.waitForFunction(() => document.getElementById("search").classList.contains("search-ready"));
  const before = await entries(page);
  await page.fill("#search-q", q);
  await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById("search-status").textContent));
  const after = await entries(page);
  const pagefindBytes = (list) => list.filter((e) => e.name.includes("/pagefind/")).reduce((s, e) => s + e.bytes, 0);
  const load = pagefindBytes(before);
  // Pagefind loads its WASM and metadata lazily, so split by what the files are, not by when.
  const sum = (re) => after.filter((e) => e.name.includes("/pagefind/") && re.test(e.name)).reduce((s, e) => s + e.bytes, 0);
  const library = sum(/\.js$|wasm\./);
  const meta = sum(/pf_meta$|entry\.json$/);
  const chunks = sum(/pf_index$|pf_fragment$|pf_filter$/);
  const hits = await page.$$eval("#search-results > li", (l) => l.length);
  console.log(`查询“${q}”：搜索程序（JS+WASM，各站相同，可缓存）${kb(library)}；索引元数据（每次访问一次）${kb(meta)}；本次查询的索引块与结果片段 ${kb(chunks)}；合计 ${kb(library + meta + chunks)}（显示 ${hits} 条，页面加载时已下载 ${kb(load)}）`);
  await context.close();
}
await browser.close();
await site.close();

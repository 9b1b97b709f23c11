// The engine the build wrote cuts a query the way the indexer cut the text: every token it
// looks up exactly is one the index holds for the same text, and every token it looks up as a
// prefix begins one. Runs in Node (the engine needs no DOM to cut text).
// Usage: node tokens.mjs <built site dir> <expectations.json>
//   expectations: { "engine": "search-index/engine.js", "meta": "search-index/meta.json",
//                   "samples": [{ "text": "…", "folded": "…", "indexed": ["…"] }] }
// Folding is compared whole: Traditional characters the site has fold to the same
// Simplified ones in both (the engine gets the table from meta.json).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Checks } from "./lib/browser.mjs";

const [siteDir, expectFile] = process.argv.slice(2);
const expect = JSON.parse(await readFile(expectFile, "utf8"));
const engine = await import(pathToFileURL(resolve(siteDir, expect.engine)).href);
const meta = JSON.parse(await readFile(resolve(siteDir, expect.meta), "utf8"));
engine.useVocabulary(meta);
const checks = new Checks();
for (const { text, indexed, folded } of expect.samples) {
  const asked = engine.queryTokens(text);
  checks.ok(engine.fold(text) === folded, `${text}: the engine folds it to ${engine.fold(text)}, the indexer to ${folded}`);
  console.log(`${text}: index ${JSON.stringify(indexed)}; query ${JSON.stringify(asked)}`);
  checks.ok(asked.length > 0, `${text}: the query has tokens`);
  for (const { token, prefix } of asked) {
    const held = prefix ? indexed.some((t) => t.startsWith(token)) : indexed.includes(token);
    checks.ok(held, `${text}: query token ${token}${prefix ? "…" : ""} is not in the index`);
  }
}
checks.finish();

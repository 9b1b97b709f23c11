/* jiedu search engine: reads the index `jiedu build` writes next to this file (see
   src/search/bundle.rs for the format) and answers queries in the browser. No WASM, no
   worker, nothing from outside the site. Text is cut the way src/search/tokens.rs cuts it:
   Chinese into overlapping character pairs, letters and digits into words, after folding
   Traditional characters with the table the index carries. A query is read as a citizen
   asks: question words dropped, everyday words widened by the site's synonyms, passages
   ranked by how much of the rest they cover, one result per page. */

const base = new URL(".", import.meta.url);
let meta = null;
const cache = new Map(); // URL → Promise of its parsed content

function load(path, parse) {
  const url = new URL(path + "?v=" + meta.version, base).href;
  if (!cache.has(url)) {
    const p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
      return parse(r);
    });
    p.catch(() => cache.delete(url)); // a failed fetch may be retried by the next query
    cache.set(url, p);
  }
  return cache.get(url);
}

/* ---- tokens (keep in step with tokens.rs) ---- */

let simplified = new Map(); // Traditional → Simplified, for the characters the index holds

/** Takes the vocabulary the index was made with from `meta.json` (also for tests in Node). */
export function useVocabulary(m) {
  simplified = new Map();
  const cs = [...(m.fold || "")];
  for (let i = 0; i + 1 < cs.length; i += 2) simplified.set(cs[i], cs[i + 1]);
  synonyms = m.synonyms || {};
  synonymKeys = Object.keys(synonyms).sort((a, b) => b.length - a.length);
}

export function fold(text) {
  let out = "";
  for (const ch of text) {
    let c = ch.codePointAt(0);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    if (c >= 65 && c <= 90) c += 32;
    const f = String.fromCodePoint(c);
    out += simplified.get(f) || f;
  }
  return out;
}

export function isHan(ch) {
  const c = ch.codePointAt(0);
  return c === 0x3007 || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2fa1f);
}

const WORD = /[\p{Alphabetic}\p{N}]/u;
const isWord = (ch) => WORD.test(ch) && !isHan(ch);

/** Runs of Chinese characters and of letters/digits in folded text: [{ text, han }]. */
export function runs(folded) {
  const out = [];
  let current = null;
  for (const ch of folded) {
    const han = isHan(ch);
    if (han || isWord(ch)) {
      if (current && current.han === han) current.text += ch;
      else out.push((current = { text: ch, han }));
    } else {
      current = null;
    }
  }
  return out;
}

/** Overlapping pairs of characters, as the index holds Chinese text. */
function pairs(text) {
  const chars = [...text];
  return chars.slice(1).map((c, i) => chars[i] + c);
}

/** The tokens the index holds for a run, with the characters (offsets) each one covers. A
    run of one Chinese character, and a word at the end of the query (still being typed),
    match every token that begins with them. */
function runTokens(run, last) {
  const chars = [...run.text];
  if (!run.han) return [{ token: run.text, prefix: last, covers: chars.map((_, i) => i) }];
  if (chars.length === 1) return [{ token: run.text, prefix: true, covers: [0] }];
  return pairs(run.text).map((t, i) => ({ token: t, prefix: false, pair: true, covers: [i, i + 1] }));
}

/** The tokens a query asks for, before question words are dropped. */
export function queryTokens(query) {
  const rs = runs(fold(query));
  const seen = new Map();
  rs.forEach((r, i) => {
    for (const t of runTokens(r, i === rs.length - 1)) {
      const was = seen.get(t.token);
      seen.set(t.token, { token: t.token, prefix: t.prefix && (!was || was.prefix) });
    }
  });
  return [...seen.values()];
}

/* ---- reading a question ---- */

/* Question words and particles around what a citizen asks about (医院招聘可以放宽学历吗).
   They are cut out of the query, longest first, so that pairs such as 历吗 or 以放 are not
   asked for; the index keeps them, as the text has them. 了 goes only at the end of a run
   (了解 stays). */
export const QUESTION_WORDS = [
  "是什么意思", "什么意思", "可不可以", "什么时候", "怎么样了", "是不是", "有没有", "能不能",
  "会不会", "要不要", "为什么", "怎么样", "怎么办", "什么样", "是什么", "有什么", "有哪些",
  "请问", "怎样", "怎么", "如何", "什么", "哪些", "哪里", "哪儿", "哪个", "多少", "几个",
  "可以", "能否", "是否", "一下", "的话", "吗", "呢", "吧", "啊", "呀", "嘛", "的",
];
const QUESTION = new RegExp(QUESTION_WORDS.join("|"), "g");

/* Everyday words: pronouns, adverbs, particles, measure words and the most frequent verbs,
   adjectives and nouns of general Chinese, from jieba's dictionary (MIT; see
   src/search/everyday.txt). In a question they carry little of what is asked (我们 一直 听说
   实在 需要): they add to a passage's score where it has them but a passage need not have
   them, so the words around a citizen's question never sink it. The index shard of a word's
   first pair holds it (`=我们`), so a query reads only the words that may start in it:
   `prepare` loads those shards before a query is cut. */
/* Single characters that, outside a word, only carry the question's grammar (我 想 能 在 有 给
   没 去 …), and the spoken light verbs 搞 and 弄 (在武汉搞创业, 弄个执照), which stand for
   whatever verb the policy uses. Next to a character with which they make a dictionary word (+能源 +在职 in the
   list) they are part of that word. */
const FUNCTION_CHARS = new Set([..."不与也了从他会你俺再刚别到去又可向吗吧呀呢咋和咱哪啊啥嘛在地太她它对就往很得想我才把是更最有来没的着给能被要让该谁跟过还这那都搞弄"]);
const everyday = new Set(); // the everyday words of the shards read so far
const bound = new Set(); // the two-character words holding a function character, likewise
let everydayLongest = 0;

function addWord(entry) {
  if (entry.startsWith("+")) bound.add(entry.slice(1));
  else {
    everyday.add(entry.slice(1));
    everydayLongest = Math.max(everydayLongest, [...entry].length - 1);
  }
}

/** Loads the index shards of every pair of the query's runs, which hold the everyday words
    `analyze` looks for; `search` and the typo retry call it before `analyze`. */
export async function prepare(query) {
  const cleaned = fold(query).replace(QUESTION, " ");
  const shards = new Set();
  for (const r of runs(cleaned)) if (r.han) for (const p of pairs(r.text)) shards.add(shardOf(p));
  await Promise.all([...shards].map((n) => load(`t/${n}.bin`, parseShard)));
}

let synonyms = {};
let synonymKeys = [];
const MAX_ALTERNATIVES = 12;

/** A word of the thesaurus and the site's words for it (`~看病 就医`), from the index shard of
    its first pair: added to the site's synonyms, so a query holding the word is read with them. */
function addSynonyms([word, ...others]) {
  if (!synonyms[word]) {
    synonyms[word] = [];
    synonymKeys.push(word);
    synonymKeys.sort((a, b) => b.length - a.length);
  }
  for (const o of others) if (!synonyms[word].includes(o)) synonyms[word].push(o);
}

/** What a query asks about: its runs without question words, each cut into terms — stretches
    of everyday words and of the rest (the content) — each term with the ways it may be said
    (itself, and with everyday words replaced by the policy's, as segments). */
export function analyze(query) {
  const cleaned = fold(query).replace(QUESTION, " ").replace(/了(?=\s|$)/gu, " ");
  const parts = [];
  /* Stretches between punctuation: a word is never split across a comma, only by filler. */
  const stretches = cleaned.split(/[^\p{L}\p{N}\s]+/u);
  const all = stretches.flatMap((stretch, n) => runs(stretch).map((r) => ({ ...r, stretch: n })));
  all.forEach((r, i) => {
    const last = i === all.length - 1;
    const pieces = r.han ? terms(r.text) : [{ text: r.text, everyday: false }];
    pieces.forEach((p, k) => {
      parts.push({
        text: p.text,
        han: r.han,
        everyday: p.everyday,
        stretch: r.stretch,
        length: [...p.text].length,
        last: last && k === pieces.length - 1,
        alternatives: r.han ? alternatives(p.text) : [[p.text]],
      });
    });
  });
  return [...parts, ...skipPairs(parts)];
}

/** The words a question splits with filler (贷多少款, 退不退税): where a content character
    stands alone, and the next or previous content text of the same stretch is separated from
    it by question words or everyday words only, the pair of the two characters that face each
    other, asked where the index has it as a word (`skip`). A content character alone asks
    nothing otherwise (贷 is in too many words), so without its pair its meaning is lost. */
function skipPairs(parts) {
  const out = [];
  const content = parts.filter((p) => p.han && !p.everyday);
  for (let k = 0; k + 1 < content.length; k++) {
    const a = content[k], b = content[k + 1];
    if (a.stretch !== b.stretch || (a.length > 1 && b.length > 1)) continue;
    const between = parts.slice(parts.indexOf(a) + 1, parts.indexOf(b));
    if (between.some((p) => !p.han)) continue;
    const text = [...a.text].pop() + [...b.text][0];
    out.push({ text, han: true, everyday: false, skip: true, stretch: a.stretch, length: 2, last: false, alternatives: [[text]] });
  }
  return out;
}

/* Measure words a citizen puts between a verb and its object (学门技术, 开家店, 买套房, 开一
   个公司): the phrase is the synonym key without them (学技术, 开店, 买房, 开公司). */
const MEASURE_WORDS = new Set([..."个门台家间套辆张份项件所位只笔块部本"]);

/** The synonym key `chars` has at `i`, longest first, and how many characters it takes
    there: the key itself, or the key with a measure word (after 一 or not) after its first
    character. */
function keyAt(chars, i) {
  const rest = chars.slice(i).join("");
  const key = synonymKeys.find((k) => rest.startsWith(k));
  if (key) return { key, length: [...key].length };
  const skip = chars[i + 1] === "一" && MEASURE_WORDS.has(chars[i + 2]) ? 2 : MEASURE_WORDS.has(chars[i + 1]) ? 1 : 0;
  if (!skip) return null;
  const joined = chars[i] + chars.slice(i + 1 + skip).join("");
  const spaced = synonymKeys.find((k) => [...k].length > 1 && joined.startsWith(k));
  return spaced ? { key: spaced, length: [...spaced].length + skip } : null;
}

/** A run cut into stretches of everyday words and of other text, the longest everyday word
    taken first at each character; a synonym key is never cut (老人 stays whole). */
function terms(text) {
  const words = everyday;
  const chars = [...text];
  const out = [];
  const push = (piece, isEveryday) => {
    const prev = out[out.length - 1];
    if (prev && prev.everyday === isEveryday) prev.text += piece;
    else out.push({ text: piece, everyday: isEveryday });
  };
  for (let i = 0; i < chars.length;) {
    const found = keyAt(chars, i);
    if (found) {
      push(found.key, false);
      i += found.length;
      continue;
    }
    let n = 0;
    for (let len = Math.min(everydayLongest, chars.length - i); len >= 2; len--) {
      if (words.has(chars.slice(i, i + len).join(""))) { n = len; break; }
    }
    if (n) { push(chars.slice(i, i + n).join(""), true); i += n; continue; }
    const c = chars[i];
    /* Bound to a neighbour only where that neighbour is content: two function characters
       (想要 不让 才能) make grammar, whatever the dictionary files them under. */
    const binds = (n, word) => n && !FUNCTION_CHARS.has(n) && bound.has(word);
    const inWord = binds(chars[i - 1], (chars[i - 1] || "") + c) || binds(chars[i + 1], c + (chars[i + 1] || ""));
    push(c, FUNCTION_CHARS.has(c) && !inWord);
    i += 1;
  }
  return out;
}

/** A run and its synonym forms (the run itself first), each a list of segments: a replaced
    word stands apart, so no pair is asked for across the seam; the words kept stay joined. */
function alternatives(text) {
  const slots = []; // [[option, replaced?]…]: keys found leftmost-longest, and the text between
  let plain = "";
  const chars = [...text];
  for (let i = 0; i < chars.length;) {
    const found = keyAt(chars, i);
    if (found) {
      const { key } = found;
      if (plain) slots.push([[plain, false]]);
      plain = "";
      slots.push([[key, false], ...synonyms[key].map((alt) => [alt, true])]);
      i += found.length;
    } else {
      plain += chars[i++];
    }
  }
  if (plain) slots.push([[plain, false]]);
  let combos = [[]];
  for (const options of slots) {
    const next = [];
    for (const combo of combos) {
      for (const option of options) if (next.length < MAX_ALTERNATIVES) next.push([...combo, option]);
    }
    combos = next;
  }
  return combos.map((combo) => {
    const segments = [];
    let joined = "";
    for (const [piece, replaced] of combo) {
      if (!replaced) { joined += piece; continue; }
      if (joined) segments.push(joined);
      joined = "";
      segments.push(piece);
    }
    if (joined) segments.push(joined);
    return segments;
  });
}

/* ---- index files ---- */

function readVarint(bytes, pos) {
  let v = 0, shift = 0, b;
  do {
    b = bytes[pos.i++];
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

const decoder = new TextDecoder();

/** The shard of an exact token: FNV-1a over its code points (bundle.rs computes the same). */
function shardOf(token) {
  let h = 0x811c9dc5;
  for (const ch of token) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193);
  return (h >>> 0) % meta.shards;
}

/** A shard's tokens: Map token → Map record id → weight. Everyday words (`=…`, `+…`) go to
    their sets. */
async function parseShard(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const tokens = new Map();
  const pos = { i: 0 };
  while (pos.i < bytes.length) {
    const len = readVarint(bytes, pos);
    const token = decoder.decode(bytes.subarray(pos.i, pos.i + len));
    pos.i += len;
    const n = readVarint(bytes, pos);
    if (token.startsWith("=") || token.startsWith("+")) {
      addWord(token);
      continue;
    }
    if (token.startsWith("~")) {
      addSynonyms(token.slice(1).split(" "));
      continue;
    }
    const postings = new Map();
    let id = 0;
    for (let k = 0; k < n; k++) {
      id += readVarint(bytes, pos);
      postings.set(id, readVarint(bytes, pos));
    }
    tokens.set(token, postings);
  }
  return tokens;
}

async function parseIds(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const ids = new Set();
  const pos = { i: 0 };
  let id = 0;
  while (pos.i < bytes.length) {
    id += readVarint(bytes, pos);
    ids.add(id);
  }
  return ids;
}

/** The characters found right after a character in the index, with the number of records
    holding each pair: Map character → Map following character → count. */
async function parseFollowers(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const out = new Map();
  const pos = { i: 0 };
  while (pos.i < bytes.length) {
    const len = readVarint(bytes, pos);
    const c = decoder.decode(bytes.subarray(pos.i, pos.i + len));
    pos.i += len;
    const n = readVarint(bytes, pos);
    const after = new Map();
    for (let k = 0; k < n; k++) {
      const next = String.fromCodePoint(readVarint(bytes, pos));
      after.set(next, readVarint(bytes, pos));
    }
    out.set(c, after);
  }
  return out;
}

/** The records a query token occurs in: Map record id → weight. An exact token is read from
    the shard its hash names; a prefix from the shard of its first character, which holds
    each Chinese character's records whole and the words beginning with it. */
async function postingsOf({ token, prefix }) {
  if (!prefix) return (await load(`t/${shardOf(token)}.bin`, parseShard)).get(token) || new Map();
  const shard = await load(`p/${token.codePointAt(0) % meta.shards}.bin`, parseShard);
  if (shard.has(token) && isHan(token)) return shard.get(token);
  const merged = new Map();
  for (const [t, list] of shard) {
    if (!t.startsWith(token)) continue;
    for (const [id, w] of list) merged.set(id, Math.max(w, merged.get(id) || 0));
  }
  return merged;
}

async function allowedBy(filters) {
  let allowed = null;
  for (const [name, values] of [["format", meta.formats], ["unit", meta.units]]) {
    const value = filters[name];
    if (!value) continue;
    const i = values.indexOf(value);
    const ids = i < 0 ? new Set() : await load(`${name}/${i}.bin`, parseIds);
    allowed = allowed ? new Set([...allowed].filter((id) => ids.has(id))) : ids;
  }
  return allowed;
}

export async function init() {
  if (!meta) {
    const r = await fetch(new URL("meta.json", base), { cache: "no-cache" });
    if (!r.ok) throw new Error(`meta.json: ${r.status}`);
    meta = await r.json();
    useVocabulary(meta);
  }
  return meta;
}

/* ---- search ---- */

/* A passage is a hit when it holds this share of what the query asks — its content terms
   (not everyday words), each weighed by how rare its character pairs are in the index
   (idf), a pair the index never has counting as MISSING_IDF — and at least RELATIVE of the
   best passage's share: a keyword that whole passages have lists only them, a question no
   passage answers whole lists those answering a part, as two pages answering its two halves. */
const MIN_COVERAGE = 0.45;
const RELATIVE = 0.7;
/* The share of a term a passage is credited with where not it but its policy's full text
   holds the term: less than the passage's own words, so the clause saying it all ranks first.
   (0.3 scored a little better on the tuned queries and worse on the held-out ones.) */
const INHERITED = 0.5;
/* A pair the index never has weighs as one in this share of the records: a word the portal
   never uses (离婚, 驾照) counts against the pages, but less than its rarest real words. */
const MISSING_SHARE = 0.2;
/* No hit for a query of which this share or more is words the index never has. */
const MAX_UNKNOWN = 0.5;
/* Below that, the words the portal never has do not count against a passage's coverage: a
   citizen's own word for a thing (新盖, 农家乐) must not sink the passages holding the rest of
   the question below the bar, while a question asking mostly such words stays unanswered. */
/* A pair is taken for the seam of two words where the pairs on both sides of it are each in
   this many times as many records. */
const SEAM_RATIO = 5;
/* Typo retry: at most this many spellings tried, each replacing a character by one of
   NEIGHBOURS found after its neighbour in the index, or dropping it. */
const MAX_TRIES = 30;
const NEIGHBOURS = 3;
const CANDIDATES = 8;

let pageStart = null; // record id → id of the first record of its page

function pageOf(id) {
  if (!pageStart) {
    const bits = Uint8Array.from(atob(meta.pages || ""), (c) => c.charCodeAt(0));
    pageStart = new Uint32Array(meta.records);
    let start = 0;
    for (let i = 0; i < meta.records; i++) {
      if (bits[i >> 3] & (1 << (i & 7))) start = i;
      pageStart[i] = start;
    }
  }
  return pageStart[id];
}

/** Searches the site: one result per page, its best passage first, best pages first. When
    nothing matches, a spelling one character away that the portal has is searched instead
    and returned as `corrected`. Each result's `data()` fetches what is shown, `more()` the
    page's other passages. */
export async function search(query, { filters = {} } = {}) {
  await init();
  await prepare(query);
  const parts = analyze(query);
  if (!parts.length) return { results: [], words: [] };
  const allowed = await allowedBy(filters);
  let hits = await score(parts, allowed);
  let corrected = null;
  if (!hits.length) {
    const fix = await correction(query, parts, allowed);
    if (fix) ({ hits, text: corrected } = fix);
  }
  hits = withoutRepeatedWholeTexts(hits);
  const results = (await headedFirst(byPage(hits), parts)).map((h) => ({
    id: h.id,
    score: h.score,
    coverage: h.coverage,
    words: longest(h.words),
    others: h.others.length,
    data: () => data(h.id, h.words),
    more: () => Promise.all(h.others.map((id) => data(id, h.words))),
  }));
  return { results, corrected, words: longest(hits.flatMap((h) => h.words)) };
}

/* The results shown first (the page fetches their records anyway) are ranked again by their
   headings: a clause headed by what the question asks about (人才公寓, 设计管理) answers it,
   where another page mentions the same words in passing. A heading holding all the question's
   content words (as said or as the site's synonyms say them) multiplies a passage's score by
   1 + HEADED. Only a clause's heading and a Q&A's question count (ANSWERS, the kinds' names as
   the bundle lists them in meta.formats): a full text's or a list's title names its policy,
   and an infographic panel's or a video's caption names what it shows, not an answer. */
const HEADED = 1;
const SHOWN = 10;
const ANSWERS = new Set(["条款", "简明问答"]);

async function headedFirst(pages, parts) {
  const content = parts.filter((p) => p.han && !p.everyday && !p.skip && p.length > 1);
  if (!content.length) return pages;
  const top = pages.slice(0, SHOWN);
  const shares = await Promise.all(top.map(async (h) => {
    if (isListing(h.id)) return 0;
    const [, title, format] = await record(h.id);
    if (!ANSWERS.has(meta.formats[format])) return 0;
    const heading = fold(title);
    const inHeading = longest(h.words).filter((w) => [...w].length > 1 && heading.includes(w));
    let held = 0, all = 0;
    for (const p of content) {
      all += p.length;
      let best = 0;
      for (const w of inHeading) {
        if (p.alternatives.some((a) => a.join("").includes(w))) best = Math.max(best, Math.min(1, [...w].length / p.length));
      }
      held += best * p.length;
    }
    return all ? held / all : 0;
  }));
  const ranked = top.map((h, i) => ({ ...h, score: h.score * (1 + HEADED * shares[i]) }));
  ranked.sort((a, b) => b.score - a.score || a.id - b.id);
  return [...ranked, ...pages.slice(SHOWN)];
}

let wholeTexts = null; // ids of the policies' full-text records, ascending
/* The full texts and the listings as one set: a common word at 5,000 policies matches over
   100,000 records, and a list's includes() for each of them took minutes. */
let listed = null;

function wholeTextIds() {
  if (!wholeTexts) {
    const bits = Uint8Array.from(atob(meta.policies || ""), (c) => c.charCodeAt(0));
    wholeTexts = [];
    for (let i = 0; i < meta.records; i++) if (bits[i >> 3] & (1 << (i & 7))) wholeTexts.push(i);
  }
  return wholeTexts;
}

/** Whether a record lists what other pages hold: a policy's full text, a unit's page or
    another page of the site (the records after the policies'). */
function isListing(id) {
  if (meta.policy_end === undefined) return false;
  if (!listed) listed = new Set([...wholeTextIds(), ...(meta.listings || [])]);
  return id >= meta.policy_end || listed.has(id);
}

/** The full-text record of the policy a passage belongs to (the last full text before it),
    or -1 for a full text itself and for the records after the policies'. */
function policyOf(id) {
  if (meta.policy_end === undefined || id >= meta.policy_end) return -1;
  const wholes = wholeTextIds();
  let lo = 0, hi = wholes.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (wholes[mid] <= id) { at = wholes[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return at === id ? -1 : at;
}

/** The hits without the full text of a policy of which a clause or another passage matched
    too: the full text repeats them, and a citizen is better sent to the passage itself. */
function withoutRepeatedWholeTexts(hits) {
  if (!meta.policies) return hits;
  const wholeTexts = wholeTextIds();
  const whole = new Set(wholeTexts);
  const ids = hits.map((h) => h.id).sort((a, b) => a - b);
  /* A Q&A list likewise gives way to any other passage of its policy (its questions). */
  const lists = new Set(meta.listings || []);
  const policies = new Map();
  for (const id of ids) if (!lists.has(id)) policies.set(policyOf(id), true);
  return hits.filter((h) => {
    if (lists.has(h.id)) return !policies.has(policyOf(h.id));
    if (!whole.has(h.id)) return true;
    const k = wholeTexts.indexOf(h.id);
    const end = k + 1 < wholeTexts.length ? wholeTexts[k + 1] : meta.policy_end;
    return !ids.some((id) => id > h.id && id < end);
  });
}

/** Which terms a passage must answer: the content terms of two or more characters; failing
    those (a query of everyday words, or of single characters), every term of two or more
    characters; failing those, every term. */
function neededTerms(parts) {
  const long = parts.filter((p) => !p.skip && (!p.han || p.length > 1));
  const content = long.filter((p) => !p.everyday);
  return content.length ? content : long.length ? long : parts;
}

/** Every passage holding enough of the query, with its score and the words it matched. */
async function score(parts, allowed) {
  const needed = neededTerms(parts);
  const tokens = new Map(); // key → { token, prefix }
  const plan = parts.map((part) => ({
    part,
    needed: needed.includes(part),
    alternatives: part.alternatives.map((segments) => {
      const list = [];
      let offset = 0;
      segments.forEach((text, i) => {
        for (const t of runTokens({ text, han: part.han }, part.last && i === segments.length - 1)) {
          const key = (t.prefix ? "…" : "") + t.token;
          if (!tokens.has(key)) tokens.set(key, { token: t.token, prefix: t.prefix });
          list.push({ key, pair: t.pair, token: t.token, covers: t.covers.map((c) => c + offset) });
        }
        offset += [...text].length;
      });
      return { text: segments.join(""), length: offset, tokens: list };
    }),
  }));
  const keys = [...tokens.keys()];
  const lists = await Promise.all(keys.map((k) => postingsOf(tokens.get(k))));
  const postings = new Map(keys.map((k, i) => [k, lists[i]]));
  const idfOf = (df) => Math.log(1 + (meta.records - df + 0.5) / (df + 0.5));
  /* A word the portal never uses is asked as much as the rarest pair of the query that it has
     (and at least as much as a pair in MISSING_SHARE of the records): 挂失 in 社保卡挂失 is
     the point of the question, not a detail. */
  const rarest = Math.max(0, ...lists.filter((l, i) => l.size && tokens.get(keys[i]).token.length > 1).map((l) => idfOf(l.size)));
  const missingIdf = Math.max(idfOf(Math.max(1, meta.records * MISSING_SHARE)), rarest);
  const idf = new Map(keys.map((k, i) => [k, idfOf(lists[i].size)]));
  /* A pair split by filler is asked where the portal has it (贷款), and is no word otherwise. */
  for (const p of plan) if (p.part.skip && postings.get(p.alternatives[0].tokens[0].key).size) p.needed = true;
  /* What a token weighs in what the query asks: its idf. A pair the index never has weighs
     nothing where it is a seam — between two characters that each have a pair the index
     has (医院|招聘), or next to a function character (没|裁员) — and the missing weight where
     it is a word the portal never uses (离婚). */
  for (const { alternatives } of plan) {
    for (const alt of alternatives) {
      const known = new Uint8Array(alt.length);
      for (const t of alt.tokens) if (postings.get(t.key).size) for (const c of t.covers) known[c] = 1;
      let previousMissing = false; // a word the index never has counts once, not per pair
      const df = (t) => (t && t.pair ? postings.get(t.key).size : 0);
      alt.weights = alt.tokens.map((t, j) => {
        const held = postings.get(t.key).size > 0;
        /* A pair far rarer than the pairs on either side of it joins two words (业贷 in
           创业贷款): the passage need not have it, as it need not have the seam of two words
           the index never joins. */
        const rare = SEAM_RATIO * df(t);
        if (held && t.pair && df(alt.tokens[j - 1]) >= rare && df(alt.tokens[j + 1]) >= rare) return 0;
        const wasMissing = previousMissing;
        previousMissing = !held && t.pair;
        if (held) return idf.get(t.key);
        if (!t.pair) return missingIdf;
        if ([...t.token].some((c) => FUNCTION_CHARS.has(c))) return 0;
        return t.covers.every((c) => known[c]) || wasMissing ? 0 : missingIdf;
      });
      /* A word weighs what its rarest pair weighs, however long it is: 社会保障 asks no more
         than 挂失 next to it. */
      for (let j = 0; j < alt.tokens.length;) {
        let k = j;
        while (k < alt.tokens.length && alt.tokens[k].pair && postings.get(alt.tokens[k].key).size &&
          alt.weights[k] > 0 && (k === j || alt.tokens[k].covers[0] === alt.tokens[k - 1].covers[1])) k++;
        if (k - j > 1) {
          const stretch = alt.weights.slice(j, k);
          const scale = Math.max(...stretch) / stretch.reduce((a, b) => a + b, 0);
          for (let m = j; m < k; m++) alt.weights[m] *= scale;
        }
        j = Math.max(k, j + 1);
      }
      alt.total = alt.weights.reduce((a, b) => a + b, 0);
      alt.present = alt.tokens.filter((t) => postings.get(t.key).size).length / (alt.tokens.length || 1);
    }
  }
  const ids = new Set();
  for (const list of lists) for (const id of list.keys()) if (!allowed || allowed.has(id)) ids.add(id);
  /* Per passage and term: the best way of saying the term there, the weight it holds of it
     and its score. */
  const found = new Map();
  const most = plan.map(() => 0); // the most weight of each term any passage holds
  for (const id of ids) {
    const terms = plan.map(({ alternatives }, k) => {
      let best = null;
      for (const alt of alternatives) {
        const marks = new Uint8Array(alt.length);
        const links = new Uint8Array(alt.length); // links[c]: the pair c, c + 1 matched here
        let s = 0, held = 0;
        alt.tokens.forEach((t, j) => {
          const w = postings.get(t.key).get(id);
          if (w === undefined) return;
          s += idf.get(t.key) * w;
          held += alt.weights[j];
          for (const c of t.covers) marks[c] = 1;
          if (t.pair) links[t.covers[0]] = 1;
          else links.fill(1, t.covers[0], t.covers[t.covers.length - 1]);
        });
        if (!best || held > best.held || (held === best.held && s > best.s)) best = { held, s, marks, links, alt };
      }
      most[k] = Math.max(most[k], best.held);
      return best;
    });
    found.set(id, terms);
  }
  /* What a term asks: the most of it one passage holds — pairs that no passage has together
     with the rest are the seams of words (租办 in 租办公室) — and the words the index never
     has (离婚), which count against every passage. */
  const asks = plan.map((p, k) => {
    const ref = p.alternatives.reduce((a, b) => (b.present > a.present ? b : a));
    const missing = ref.tokens.reduce((n, t, j) => n + (postings.get(t.key).size ? 0 : ref.weights[j]), 0);
    return most[k] + missing;
  });
  const total = plan.reduce((n, p, k) => n + (p.needed ? asks[k] : 0), 0);
  /* A question whose words are mostly ones the portal never uses is about something else,
     whatever common word it shares with the portal (公积金|提取). */
  const unknown = plan.reduce((n, p, k) => n + (p.needed ? asks[k] - most[k] : 0), 0);
  if (total && unknown / total >= MAX_UNKNOWN) return [];
  const hits = [];
  for (const [id, terms] of found) {
    let covered = 0, own = 0, sum = 0;
    const words = [];
    /* What the passage's policy says elsewhere — its place (在武汉, 广州的), its subject —
       answers the part of the question the passage itself does not repeat. */
    const whole = found.get(policyOf(id));
    terms.forEach((best, k) => {
      if (best.s > 0) {
        sum += best.s;
        words.push(...coveredWords(best.alt.text, best.marks, best.links));
      }
      if (!plan[k].needed || !asks[k]) return;
      const held = Math.min(best.held, asks[k]);
      own += held;
      covered += held;
      if (whole) covered += INHERITED * Math.max(0, Math.min(whole[k].held, asks[k]) - held);
    });
    const coverage = total > unknown ? covered / (total - unknown) : 0;
    if (coverage < MIN_COVERAGE || !sum || !own) continue;
    hits.push({ id, coverage, words, score: sum * coverage * coverage });
  }
  /* The bar is set by the passages themselves: a full text or a unit's list holds the words
     of a question scattered over a policy and must not raise it above the clause answering
     part of it. */
  const passages = hits.filter((h) => !isListing(h.id));
  /* A loop, not Math.max(...list): spread into a call, 100,000 hits overflow the stack. */
  let best = 0;
  for (const h of passages.length ? passages : hits) best = Math.max(best, h.coverage);
  return hits.filter((h) => h.coverage >= best * RELATIVE);
}

/** The stretches of `text` whose characters are marked, cut where the pair between two
    characters did not match (引进 and 人才 are two words unless 进人 matched too). */
function coveredWords(text, marks, links) {
  const out = [];
  let word = "";
  [...text].forEach((c, i) => {
    if (word && !(marks[i] && links[i - 1])) { out.push(word); word = ""; }
    if (marks[i]) word += c;
  });
  if (word) out.push(word);
  return out;
}

/** Words without those that are part of another. */
function longest(words) {
  const unique = [...new Set(words)];
  return unique.filter((w) => !unique.some((o) => o !== w && o.includes(w)));
}

/** One hit per page: its best passage, and the ids of the page's other matching passages. */
function byPage(hits) {
  const pages = new Map();
  for (const h of [...hits].sort((a, b) => b.score - a.score || a.id - b.id)) {
    const page = pageOf(h.id);
    const best = pages.get(page);
    if (best) best.others.push(h.id);
    else pages.set(page, { ...h, others: [] });
  }
  for (const p of pages.values()) p.others.sort((a, b) => a - b);
  return [...pages.values()];
}

/** When nothing matched: the query with one character of a run dropped, or replaced by a
    character the index has after the one before it, if that finds passages covering all
    of the query. The spelling most passages agree with wins. */
async function correction(query, parts, allowed) {
  const folded = fold(query);
  const tries = [];
  for (const part of parts) {
    if (!part.han || part.length < 3 || part.length > 8) continue;
    const chars = [...part.text];
    /* A misspelt character makes a pair no text has (担宝 in 创业担宝贷款): only characters
       next to such a pair are tried, so a question the portal does not answer, whose pairs
       it mostly has, fetches a few lists rather than some for every character. */
    const held = [];
    for (let k = 0; k + 1 < chars.length; k++) {
      held.push((await postingsOf({ token: chars[k] + chars[k + 1], prefix: false })).size > 0);
    }
    /* One wrong character breaks at most the two pairs around it: a run missing more is
       words the portal does not use, not a misspelling of its words. */
    if (held.filter((h) => !h).length > 2) continue;
    for (let i = 0; i < chars.length; i++) {
      if (held[i - 1] !== false && held[i] !== false) continue;
      tries.push({ part, text: chars.filter((_, j) => j !== i).join("") });
      if (i === 0) continue;
      for (const c of await neighbours(chars, i)) {
        tries.push({ part, text: [...chars.slice(0, i), c, ...chars.slice(i + 1)].join("") });
      }
    }
  }
  const found = [];
  for (const t of tries.slice(0, MAX_TRIES)) {
    const text = folded.replace(t.part.text, t.text);
    await prepare(text);
    const hits = (await score(analyze(text), allowed)).filter((h) => h.coverage === 1);
    if (!hits.length) continue;
    const rank = [[...t.text].length, hits.length, hits.reduce((m, h) => Math.max(m, h.score), -Infinity)];
    found.push({ rank, hits, text, word: t.text });
  }
  found.sort((a, b) => (before(a.rank, b.rank) ? -1 : before(b.rank, a.rank) ? 1 : 0));
  /* A spelling is taken only where the best passage has it as one word: 公积极 (two pairs
     from 公积 and 积极 far apart) is no spelling of 公积金. */
  for (const f of found) {
    const top = f.hits.reduce((a, b) => (b.score > a.score ? b : a));
    const [, title, , , text] = await record(top.id);
    if (fold(title + "\n" + text).includes(f.word)) return { hits: f.hits, text: f.text };
  }
  return null;
}

/** Whether rank `a` comes before rank `b`, comparing their values in order, larger first. */
function before(a, b) {
  const k = a.findIndex((v, i) => v !== b[i]);
  return k >= 0 && a[k] > b[k];
}

/** Characters that may stand at `i` instead of chars[i]: of the CANDIDATES found most often
    right after chars[i - 1] in the index (and right before chars[i + 1], if any), those most
    often near the rest of the run. Bounded so that a question nothing answers fetches a few
    small lists, not every pair beginning with each of its characters. */
async function neighbours(chars, i) {
  const prev = chars[i - 1];
  const followers = (await load(`n/${prev.codePointAt(0) % meta.shards}.bin`, parseFollowers)).get(prev) || new Map();
  const candidates = [...followers]
    .filter(([c]) => c !== chars[i] && isHan(c))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, CANDIDATES);
  if (!candidates.length) return [];
  const near = new Set();
  for (const [k, t] of chars.entries()) {
    if (k === i || k === i - 1 || k + 1 >= chars.length || k + 1 === i) continue;
    for (const id of (await postingsOf({ token: t + chars[k + 1], prefix: false })).keys()) near.add(id);
  }
  const found = [];
  for (const [c, size] of candidates) {
    if (i + 1 < chars.length) {
      const after = (await load(`n/${c.codePointAt(0) % meta.shards}.bin`, parseFollowers)).get(c);
      if (!after || !after.has(chars[i + 1])) continue;
    }
    if (!near.size) {
      found.push([c, size]);
      continue;
    }
    let n = 0;
    for (const id of (await postingsOf({ token: prev + c, prefix: false })).keys()) if (near.has(id)) n++;
    if (n) found.push([c, n]);
  }
  found.sort((a, b) => b[1] - a[1]);
  return found.slice(0, NEIGHBOURS).map(([c]) => c);
}

const LEAD = 30; // characters of a passage shown where it is listed under its page

/** A record as the bundle keeps it: [url, title, format, context, text, status?]. */
async function record(id) {
  const rows = await load(`f/${Math.floor(id / meta.per_fragment)}.json`, (r) => r.json());
  return rows[id % meta.per_fragment];
}

async function data(id, words) {
  const [url, title, format, context, text, status] = await record(id);
  return {
    url,
    meta: { title, kind: meta.formats[format] || "", context, status: status || "" },
    excerpt: excerpt(title, text, words),
    lead: [...text].length > LEAD ? [...text].slice(0, LEAD).join("") + "……" : text,
  };
}

/* ---- excerpts ---- */

const EXCERPT = 80; // UTF-16 units shown around the first match
const BEFORE = 20;

/** Where the matched words (or, failing that, their character pairs) occur in `text`. */
function matches(text, words) {
  const folded = fold(text);
  const found = [];
  const find = (term) => {
    let at = folded.indexOf(term);
    const any = at >= 0;
    while (at >= 0) {
      found.push([at, at + term.length]);
      at = folded.indexOf(term, at + term.length);
    }
    return any;
  };
  for (const word of words) {
    if (find(word) || ![...word].every(isHan)) continue;
    pairs(word).forEach(find);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const m of found) {
    const last = merged[merged.length - 1];
    if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1]);
    else merged.push([...m]);
  }
  return merged;
}

/** Text cut to [from, to) as segments [{ text, mark }], matches marked. */
function segments(text, ranges, from, to) {
  const out = [];
  let at = from;
  for (const [a, b] of ranges) {
    if (b <= from || a >= to) continue;
    const s = Math.max(a, from), e = Math.min(b, to);
    if (s > at) out.push({ text: text.slice(at, s), mark: false });
    out.push({ text: text.slice(s, e), mark: true });
    at = e;
  }
  if (at < to) out.push({ text: text.slice(at, to), mark: false });
  return out;
}

/** The passage around the first match of the matched words, or the title and the passage's
    opening when only the title matched. Plain segments: the page builds them as text, never
    as markup. */
export function excerpt(title, text, words) {
  const inText = matches(text, words);
  if (inText.length) {
    let from = Math.max(0, inText[0][0] - BEFORE);
    if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from])) from -= 1;
    let to = Math.min(text.length, from + EXCERPT);
    if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to])) to += 1;
    const out = segments(text, inText, from, to);
    if (from > 0) out.unshift({ text: "……", mark: false });
    if (to < text.length) out.push({ text: "……", mark: false });
    return out;
  }
  const out = segments(title, matches(title, words), 0, title.length);
  if (text) {
    const to = Math.min(text.length, Math.max(20, EXCERPT - title.length));
    out.push({ text: "：" + text.slice(0, to) + (to < text.length ? "……" : ""), mark: false });
  }
  return out;
}

/* jiedu search engine: reads the index `jiedu build` writes next to this file (see
   src/search/bundle.rs for the format) and answers queries in the browser. No WASM, no
   worker, nothing from outside the site. Text is cut the way src/search/tokens.rs cuts it:
   Chinese into overlapping character pairs, letters and digits into words. */

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

export function fold(text) {
  let out = "";
  for (const ch of text) {
    let c = ch.codePointAt(0);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    if (c >= 65 && c <= 90) c += 32;
    out += String.fromCodePoint(c);
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

/** The tokens a query asks for. A run of one Chinese character, and a word at the end of
    the query (still being typed), match every token that begins with them. */
export function queryTokens(query) {
  const rs = runs(fold(query));
  const seen = new Map();
  rs.forEach((r, i) => {
    if (r.han && [...r.text].length === 1) seen.set(r.text, { token: r.text, prefix: true });
    else if (r.han) {
      for (const t of pairs(r.text)) seen.set(t, { token: t, prefix: false });
    } else {
      const last = i === rs.length - 1;
      const was = seen.get(r.text);
      seen.set(r.text, { token: r.text, prefix: last && (!was || was.prefix) });
    }
  });
  return [...seen.values()];
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

async function parseShard(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const tokens = new Map();
  const pos = { i: 0 };
  while (pos.i < bytes.length) {
    const len = readVarint(bytes, pos);
    const token = decoder.decode(bytes.subarray(pos.i, pos.i + len));
    pos.i += len;
    const n = readVarint(bytes, pos);
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

/** The records a query token occurs in: Map record id → weight. */
async function postingsOf({ token, prefix }) {
  const shard = await load(`t/${token.codePointAt(0) % meta.shards}.bin`, parseShard);
  if (!prefix) return shard.get(token) || new Map();
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
  }
  return meta;
}

/* ---- search ---- */

/** Searches the site. Results hold every record with all the query's tokens, best first;
    when none has them all (a question asked in a citizen's own words), those with most of
    them, and `partial` is set. Each result's `data()` fetches what is shown. */
export async function search(query, { filters = {} } = {}) {
  await init();
  const tokens = queryTokens(query);
  if (!tokens.length) return { results: [], partial: false };
  const [lists, allowed] = await Promise.all([Promise.all(tokens.map(postingsOf)), allowedBy(filters)]);
  const hits = new Map(); // id → { matched, score }
  for (const list of lists) {
    const idf = Math.log(1 + (meta.records - list.size + 0.5) / (list.size + 0.5));
    for (const [id, w] of list) {
      if (allowed && !allowed.has(id)) continue;
      const h = hits.get(id) || { id, matched: 0, score: 0 };
      h.matched += 1;
      h.score += idf * w;
      hits.set(id, h);
    }
  }
  let chosen = [...hits.values()].filter((h) => h.matched === tokens.length);
  const partial = chosen.length === 0 && tokens.length > 2;
  if (partial) {
    const need = Math.ceil(tokens.length * 0.6);
    chosen = [...hits.values()].filter((h) => h.matched >= need);
  }
  chosen.sort((a, b) => b.matched - a.matched || b.score - a.score || a.id - b.id);
  return {
    partial,
    results: chosen.map((h) => ({ id: h.id, score: h.score, data: () => data(h.id, query) })),
  };
}

async function data(id, query) {
  const rows = await load(`f/${Math.floor(id / meta.per_fragment)}.json`, (r) => r.json());
  const [url, title, format, context, text, status] = rows[id % meta.per_fragment];
  return {
    url,
    meta: { title, kind: meta.formats[format] || "", context, status: status || "" },
    excerpt: excerpt(title, text, query),
  };
}

/* ---- excerpts ---- */

const EXCERPT = 80; // UTF-16 units shown around the first match
const BEFORE = 20;

/** Where the query's words (or, failing that, their character pairs) occur in `text`. */
function matches(text, query) {
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
  for (const r of runs(fold(query))) {
    if (find(r.text) || !r.han) continue;
    pairs(r.text).forEach(find);
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

/** The passage around the first match, or the title and the passage's opening when only the
    title matched. Plain segments: the page builds them as text, never as markup. */
export function excerpt(title, text, query) {
  const inText = matches(text, query);
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
  const out = segments(title, matches(title, query), 0, title.length);
  if (text) {
    const to = Math.min(text.length, Math.max(20, EXCERPT - title.length));
    out.push({ text: "：" + text.slice(0, to) + (to < text.length ? "……" : ""), mark: false });
  }
  return out;
}

/* jiedu site search: runs the search engine `jiedu build` writes with the index
   (/search-index/engine.js, from this site, no CDN). The search form stays hidden until the index has loaded, so a
   browser without JavaScript, without module scripts or without an index never shows a dead
   control: it keeps the browsing links below. */
const box = document.getElementById("search");
const form = box.querySelector("form");
const input = document.getElementById("search-q");
const formatSelect = document.getElementById("search-format");
const unitSelect = document.getElementById("search-unit");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const suggestions = document.getElementById("search-suggestions");
const more = document.getElementById("search-more");
/* Results shown at once; each shown result fetches its passage, so the first answer to a
   query stays a small download (fragments are most of it on a large portal). */
const PAGE_SIZE = 10;

let engine = null;
let latest = 0;

function params() {
  return new URLSearchParams(window.location.search);
}

function readUrl() {
  const p = params();
  input.value = p.get("q") || "";
  formatSelect.value = p.get("format") || "";
  unitSelect.value = p.get("unit") || "";
  const header = document.getElementById("site-search");
  if (header) header.value = input.value;
}

function writeUrl() {
  const p = new URLSearchParams();
  if (input.value.trim()) p.set("q", input.value.trim());
  if (formatSelect.value) p.set("format", formatSelect.value);
  if (unitSelect.value) p.set("unit", unitSelect.value);
  const query = p.toString();
  history.replaceState(null, "", query ? "?" + query : window.location.pathname);
}

/* The excerpt comes as plain segments and is built from text nodes, so nothing from the
   index is ever parsed as markup. */
function excerptNode(segments) {
  const p = document.createElement("p");
  p.className = "excerpt";
  for (const s of segments) {
    if (s.mark) {
      const mark = document.createElement("mark");
      mark.textContent = s.text;
      p.appendChild(mark);
    } else {
      p.appendChild(document.createTextNode(s.text));
    }
  }
  return p;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

/* One hit per page: its best passage, the words it matched, and the page's other matching
   passages behind 本页还有 N 处 (fetched when opened). */
function hitNode(result, data) {
  const li = document.createElement("li");
  li.className = "search-hit";
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = data.meta.kind || "";
  li.append(tag, " ", link(data.url, data.meta.title || data.url));
  if (data.meta.status) {
    /* A hit from a policy no longer in force says so before anyone follows it. */
    const status = document.createElement("span");
    status.className = "tag hit-status";
    status.textContent = "本文件" + (data.meta.status.startsWith("已") ? "" : "已") + data.meta.status;
    li.append(" ", status);
  }
  if (data.meta.context) {
    const where = document.createElement("p");
    where.className = "hit-context";
    where.textContent = data.meta.context;
    li.append(where);
  }
  li.append(excerptNode(data.excerpt || []));
  if (result.words.length) {
    const words = document.createElement("p");
    words.className = "hit-words";
    words.textContent = "匹配：" + [...new Set(result.words)].join("、");
    li.append(words);
  }
  if (result.others) {
    const more = document.createElement("details");
    more.className = "hit-more";
    const summary = document.createElement("summary");
    summary.textContent = `本页还有 ${result.others} 处`;
    const ul = document.createElement("ul");
    more.append(summary, ul);
    more.addEventListener("toggle", async () => {
      if (!more.open || ul.childElementCount) return;
      const others = await result.more();
      ul.replaceChildren(...others.map((d) => {
        const item = document.createElement("li");
        item.append(link(d.url, d.meta.title || d.url), "：" + d.lead);
        return item;
      }));
    });
    li.append(more);
  }
  return li;
}

/* 显示更多结果 appends the next PAGE_SIZE results, fetching only their passages. */
function showMore(results, ticket) {
  more.hidden = results.length <= list.childElementCount;
  more.onclick = async () => {
    const from = list.childElementCount;
    const next = results.slice(from, from + PAGE_SIZE);
    const data = await Promise.all(next.map((r) => r.data()));
    if (ticket !== latest) return;
    list.append(...data.map((d, i) => hitNode(next[i], d)));
    more.hidden = results.length <= list.childElementCount;
  };
}

/* Questions from 简明问答 among the hits, one tap from their answers. */
function suggest(shown) {
  const questions = shown.filter((d) => d.meta.kind === "简明问答" && /[？?]$/.test(d.meta.title || "")).slice(0, 3);
  suggestions.querySelector("ul").replaceChildren(...questions.map((d) => {
    const li = document.createElement("li");
    li.append(link(d.url, d.meta.title));
    return li;
  }));
  suggestions.hidden = questions.length === 0;
}

function searchLink(text) {
  const p = new URLSearchParams(window.location.search);
  p.set("q", text);
  return link("?" + p.toString(), text);
}

async function run() {
  const term = input.value.trim();
  const ticket = ++latest;
  writeUrl();
  if (!term) {
    list.replaceChildren();
    suggest([]);
    more.hidden = true;
    status.textContent = "请输入要查找的内容。";
    return;
  }
  if (!engine) return;
  const filters = {};
  if (formatSelect.value) filters.format = formatSelect.value;
  if (unitSelect.value) filters.unit = unitSelect.value;
  status.textContent = "正在搜索……";
  const search = await engine.search(term, { filters });
  if (ticket !== latest) return;
  const results = search ? search.results : [];
  const page = results.slice(0, PAGE_SIZE);
  const shown = await Promise.all(page.map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...shown.map((d, i) => hitNode(page[i], d)));
  suggest(shown);
  showMore(results, ticket);
  const words = search && search.words.length ? `，匹配的词：${[...new Set(search.words)].join("、")}` : "";
  const count = results.length > shown.length
    ? `找到 ${results.length} 个页面${words}，显示前 ${shown.length} 个。`
    : `找到 ${results.length} 个页面${words}。`;
  if (!results.length) {
    status.textContent = `没有找到与“${term}”相关的内容，请换个说法，或按下方栏目浏览。`;
  } else if (search.corrected) {
    status.replaceChildren(`没有找到“${term}”。您是不是要找：`, searchLink(search.corrected), `？按它${count}`);
  } else {
    status.textContent = count;
  }
}

let timer = 0;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(run, 200);
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(timer);
  run();
});
input.addEventListener("input", soon);
formatSelect.addEventListener("change", run);
unitSelect.addEventListener("change", run);

readUrl();
try {
  engine = await import(box.dataset.engine);
  await engine.init();
  form.hidden = false;
  box.classList.add("search-ready");
} catch (e) {
  engine = null;
  status.textContent = "站内搜索暂时不可用，请按下方栏目浏览。";
}
if (engine && input.value.trim()) run();

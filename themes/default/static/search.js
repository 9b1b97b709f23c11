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
const PAGE_SIZE = 20;

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

function hitNode(data) {
  const li = document.createElement("li");
  li.className = "search-hit";
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = data.meta.kind || "";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  li.append(tag, " ", link);
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
  return li;
}

async function run() {
  const term = input.value.trim();
  const ticket = ++latest;
  writeUrl();
  if (!term) {
    list.replaceChildren();
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
  const shown = await Promise.all(results.slice(0, PAGE_SIZE).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...shown.map(hitNode));
  const partly = search && search.partial ? `没有与“${term}”完全一致的说法，以下结果包含其中大部分字词。` : "";
  if (!results.length) {
    status.textContent = `没有找到与“${term}”相关的内容，请换个说法，或按下方栏目浏览。`;
  } else if (results.length > shown.length) {
    status.textContent = `${partly}找到 ${results.length} 条结果，显示前 ${shown.length} 条。`;
  } else {
    status.textContent = `${partly}找到 ${results.length} 条结果。`;
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

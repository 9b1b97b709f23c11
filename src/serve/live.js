/* jiedu serve: live reload over Server-Sent Events. Injected only by `jiedu serve`.
   Reloads the page when it changed (keeping the scroll position), swaps stylesheets without a
   reload, and shows content errors in an overlay until the next good save. */
(function () {
  "use strict";
  var scrollKey = "jiedu-scroll:" + location.pathname;
  function here() {
    var p = location.pathname.replace(/index\.html$/, "");
    try { return decodeURI(p); } catch (e) { return p; }
  }
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      var restore = function () { window.scrollTo(0, Number(saved)); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled */ }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  }
  function overlay() {
    var box = document.getElementById("jiedu-problem");
    if (!box) {
      box = document.createElement("pre");
      box.id = "jiedu-problem";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#fff5f5;color:#8b0000;border:2px solid #c00;border-radius:6px;" +
        "font:14px/1.6 monospace;white-space:pre-wrap;box-shadow:0 4px 24px rgba(0,0,0,.25)";
      document.body.appendChild(box);
    }
    return box;
  }
  var events = new EventSource("/__jiedu/events");
  /* Lets tests (and curious editors) see that the preview is connected. */
  events.addEventListener("open", function () { document.documentElement.setAttribute("data-jiedu-live", "open"); });
  events.addEventListener("error", function () { document.documentElement.setAttribute("data-jiedu-live", "closed"); });
  events.addEventListener("reload", function (e) {
    var d = JSON.parse(e.data);
    if (d.all || d.paths.indexOf(here()) >= 0) reload();
  });
  events.addEventListener("css", function (e) {
    var d = JSON.parse(e.data);
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      if (d.paths.indexOf(url.pathname) < 0) return;
      url.searchParams.set("jiedu-v", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      link.after(fresh);
    });
  });
  events.addEventListener("problem", function (e) {
    /* textContent, never innerHTML: the message quotes the editor's text. */
    overlay().textContent = "内容有错误，浏览器中显示的是上一次成功生成的页面：\n\n" + JSON.parse(e.data).text;
  });
  events.addEventListener("ok", function () {
    var box = document.getElementById("jiedu-problem");
    if (box) box.remove();
  });
})();

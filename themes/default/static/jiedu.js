/* jiedu: remembers 字号, 长辈版 and 特大鼠标, prints, copies the page link, reads the page aloud.
   Everything works without this script except printing and copying by button. */
(function () {
  "use strict";
  var root = document.documentElement;
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  var saved = load("jiedu-fs");
  if (saved) {
    var radio = document.getElementById("fs-" + saved);
    if (radio) radio.checked = true;
  }
  document.querySelectorAll('input[name="fs"]').forEach(function (input) {
    input.addEventListener("change", function () {
      root.classList.remove("fs-l", "fs-m", "fs-s");
      root.classList.add("fs-" + input.value);
      store("jiedu-fs", input.value);
    });
  });

  var elder = document.getElementById("elder-mode");
  if (elder) {
    elder.checked = load("jiedu-elder") === "1";
    elder.addEventListener("change", function () {
      root.classList.toggle("elder", elder.checked);
      store("jiedu-elder", elder.checked ? "1" : "0");
    });
  }

  /* 特大鼠标: like 长辈版, a class on <html> remembered across pages; :has() on the checkbox
     gives the same cursor without this script. */
  var cursor = document.getElementById("big-cursor");
  if (cursor) {
    cursor.checked = load("jiedu-cursor") === "1";
    cursor.addEventListener("change", function () {
      root.classList.toggle("big-cursor", cursor.checked);
      store("jiedu-cursor", cursor.checked ? "1" : "0");
    });
  }

  /* Keyboard: Enter works the page's switches (长辈版, 特大鼠标, 菜单, 更多工具) as Space does, since
     many readers press Enter on whatever has focus; a native checkbox ignores Enter. */
  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.key === "Enter" && el && el.type === "checkbox" && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      el.click();
    }
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-action]") : null;
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "print") window.print();
    if (action === "copy") copyLink(button);
    if (action === "speak") toggleSpeech();
  });

  function copyLink(button) {
    var input = document.getElementById("share-url");
    var status = button.parentNode.querySelector(".copy-status");
    var done = function () { if (status) status.textContent = "已复制"; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected for manual copy */ }
    }
  }

  /* 语音阅读: an on/off switch (aria-pressed) over the browser's own speech synthesis; nothing is
     fetched. A browser without a voice reports it in the status line instead of pretending. */
  var speaking = null;
  var speakButton = document.querySelector('[data-action="speak"]');
  var speakStatus = document.querySelector(".speak-status");
  if (speakButton && !("speechSynthesis" in window)) speakButton.hidden = true;
  function showSpeech(utterance, message) {
    speaking = utterance;
    speakButton.setAttribute("aria-pressed", utterance ? "true" : "false");
    if (speakStatus) speakStatus.textContent = message;
  }
  /* What 语音阅读 reads: the title, then the text, and the 文件信息 table (索引号, 主题分类, …)
     last, so a listener hears the policy first and not a list of labels. */
  function readingText(main) {
    var skip = ".meta-table, .print-only, .visually-hidden, [hidden], nav";
    var title = main.querySelector("h1");
    var parts = [title ? title.innerText : ""];
    (function walk(el) {
      Array.prototype.forEach.call(el.children, function (child) {
        if (child === title || child.matches(skip)) return;
        if (title && child.contains(title)) walk(child);
        else parts.push(child.innerText);
      });
    })(main);
    var info = main.querySelector(".meta-table");
    if (info) parts.push(info.innerText);
    return parts.filter(function (p) { return p && p.trim(); }).join("\n");
  }
  function toggleSpeech() {
    if (speaking) {
      showSpeech(null, "已停止朗读。");
      window.speechSynthesis.cancel();
      return;
    }
    var main = document.getElementById("main");
    var text = main ? readingText(main) : document.body.innerText;
    var utterance = new SpeechSynthesisUtterance(text.slice(0, 8000));
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = function () {
      if (speaking === utterance) showSpeech(null, "");
    };
    utterance.onerror = function (ev) {
      if (speaking !== utterance) return;
      showSpeech(null, ev.error === "interrupted" || ev.error === "canceled" ? "" : "未能朗读：本机浏览器没有可用的中文语音。");
    };
    showSpeech(utterance, "正在朗读正文，再按一次“语音阅读”停止。");
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }
})();

/* jiedu: remembers 字号 and 长辈版, prints, copies the page link, reads the page aloud.
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

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-action]") : null;
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "print") window.print();
    if (action === "copy") copyLink(button);
    if (action === "speak") toggleSpeech(button);
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

  /* 语音阅读 with the browser's own speech synthesis: nothing is fetched. */
  var speaking = false;
  var speakButton = document.querySelector('[data-action="speak"]');
  if (speakButton && !("speechSynthesis" in window)) speakButton.hidden = true;
  function toggleSpeech(button) {
    if (speaking) {
      window.speechSynthesis.cancel();
      return;
    }
    var main = document.getElementById("main");
    var text = main ? main.innerText : document.body.innerText;
    var utterance = new SpeechSynthesisUtterance(text.slice(0, 8000));
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = utterance.onerror = function () {
      speaking = false;
      button.setAttribute("aria-pressed", "false");
      button.textContent = "语音阅读";
    };
    speaking = true;
    button.setAttribute("aria-pressed", "true");
    button.textContent = "停止朗读";
    window.speechSynthesis.speak(utterance);
  }
})();

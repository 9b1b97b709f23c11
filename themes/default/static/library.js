/* 政策文件库: combined filters and date sort on the page of all policies. Without this script
   every filter still works through its own static page; with it, the selects combine year,
   issuing body, topic and validity on this page, and the choice is kept in the address. */
(function () {
  "use strict";
  var form = document.querySelector(".library-filter");
  var table = document.querySelector(".library-table tbody");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.rows);
  var count = document.querySelector("[data-library-count]");
  var empty = document.querySelector(".library-empty");
  var status = form.querySelector(".filter-status");
  var fields = ["year", "issuer", "topic", "validity"];

  function select(name) {
    return form.elements.namedItem(name);
  }

  function readAddress() {
    var params = new URLSearchParams(location.search);
    fields.concat("sort").forEach(function (name) {
      var s = select(name);
      var v = params.get(name);
      if (s && v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
        s.value = v;
      }
    });
  }

  function writeAddress() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var s = select(name);
      if (s && s.value) params.set(name, s.value);
    });
    if (select("sort").value === "asc") params.set("sort", "asc");
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function apply() {
    var wanted = {};
    fields.forEach(function (name) {
      var s = select(name);
      if (s && s.value) wanted[name] = s.value;
    });
    var asc = select("sort").value === "asc";
    var sorted = rows.slice().sort(function (a, b) {
      var x = a.getAttribute("data-date"), y = b.getAttribute("data-date");
      return x === y ? 0 : (x < y) === asc ? -1 : 1;
    });
    var shown = 0;
    sorted.forEach(function (row) {
      var match = Object.keys(wanted).every(function (name) {
        return row.getAttribute("data-" + name) === wanted[name];
      });
      row.hidden = !match;
      if (match) shown += 1;
      table.appendChild(row);
    });
    count.textContent = String(shown);
    empty.hidden = shown > 0;
    status.textContent = "已筛选出 " + shown + " 件政策文件。";
    writeAddress();
  }

  readAddress();
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  if (location.search) apply();
})();

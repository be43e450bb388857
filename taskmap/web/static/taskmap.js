/* taskmap's page: drop zones, results without reloading (so the chosen files stay for the
   downloads), and the table's search, filters and sorting. Hand-written, no libraries.
   Without JavaScript the forms still post and the server answers with whole pages. */
(function () {
  "use strict";

  function initDropzones(root) {
    root.querySelectorAll(".dropzone").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]");
      var chosen = zone.querySelector(".chosen");
      function show() {
        var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
        chosen.textContent = names.length ? "已选 " + names.length + " 个:" + names.join("、") : "";
      }
      input.addEventListener("change", show);
      ["dragenter", "dragover"].forEach(function (type) {
        zone.addEventListener(type, function () { zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (type) {
        zone.addEventListener(type, function () { zone.classList.remove("over"); });
      });
      show();
    });
  }

  function initForms() {
    document.querySelectorAll("form[data-enhance]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || !button.hasAttribute("data-view") || !window.fetch) {
          return; // a download: the browser saves the answer and the page stays
        }
        event.preventDefault();
        var result = document.getElementById("result");
        result.innerHTML = '<p class="busy">正在读取,请稍候……</p>';
        button.disabled = true;
        fetch(button.getAttribute("formaction") || form.action,
              { method: "POST", body: new FormData(form) })
          .then(function (response) { return response.text(); })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var fresh = page.getElementById("result");
            if (!fresh) { throw new Error("no result in the answer"); }
            fresh = document.importNode(fresh, true);
            result.replaceWith(fresh);
            initResult(fresh);
          })
          .catch(function () {
            result.innerHTML = '<div class="errors" role="alert"><p>没有收到本机 taskmap 服务的' +
              "答复:请确认运行 taskmap serve 的窗口仍开着,然后重试。</p></div>";
          })
          .finally(function () { button.disabled = false; });
      });
    });
  }

  function initTabs(root) {
    var buttons = root.querySelectorAll(".tabs [data-tab]");
    function select(name) {
      buttons.forEach(function (b) {
        var on = b.dataset.tab === name;
        b.setAttribute("aria-selected", on ? "true" : "false");
        var panel = root.querySelector("#tab-" + b.dataset.tab);
        if (panel) { panel.hidden = !on; }
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { select(b.dataset.tab); });
    });
    if (buttons.length) { select(buttons[0].dataset.tab); }
    return select;
  }

  function sortValue(cell, numeric) {
    var title = cell.querySelector(".title");
    var text = (title || cell).textContent.trim();
    return numeric ? Number(text) : text;
  }

  function initTable(root, selectTab) {
    var table = root.querySelector("#tasks");
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var words = new Map(rows.map(function (r) { return [r, r.textContent.toLowerCase()]; }));
    var text = root.querySelector("#f-text"), who = root.querySelector("#f-body");
    var role = root.querySelector("#f-role"), area = root.querySelector("#f-area");
    var count = root.querySelector("#f-count");

    function apply() {
      var terms = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var key = "|" + who.value + "|", shown = 0;
      rows.forEach(function (r) {
        var ok = terms.every(function (t) { return words.get(r).indexOf(t) >= 0; }) &&
          (!area.value || r.dataset.area === area.value);
        if (ok && who.value) {
          var lead = r.dataset.lead.indexOf(key) >= 0;
          var shares = r.dataset.responsible.indexOf(key) >= 0;
          ok = role.value === "lead" ? lead : role.value === "responsible" ? shares : lead || shares;
        } else if (ok && role.value) {
          ok = (role.value === "lead" ? r.dataset.lead : r.dataset.responsible) !== "||";
        }
        r.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown === rows.length ? "共 " + rows.length + " 项"
        : "显示 " + shown + " / " + rows.length + " 项";
    }
    text.addEventListener("input", apply);
    [who, role, area].forEach(function (s) { s.addEventListener("change", apply); });
    root.querySelector("#f-clear").addEventListener("click", function () {
      text.value = ""; who.value = ""; role.value = ""; area.value = "";
      apply();
    });

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, i) {
      if (!th.dataset.sort) { return; }
      th.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.dataset.sort === "num";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var sorted = rows.slice().sort(function (a, b) {
          var x = sortValue(a.cells[i], numeric), y = sortValue(b.cells[i], numeric);
          var order;
          if (numeric) { order = x - y; }
          else if (!x || !y) { return (!x) - (!y); } // empty cells last either way
          else { order = x.localeCompare(y, "zh-Hans-CN"); }
          return (up ? order : -order) || (sortValue(a.cells[0], true) - sortValue(b.cells[0], true));
        });
        sorted.forEach(function (r) { body.appendChild(r); });
      });
    });

    root.querySelectorAll("table.heat td[data-body]").forEach(function (cell) {
      cell.addEventListener("click", function () {
        text.value = "";
        who.value = cell.dataset.body;
        role.value = cell.dataset.role;
        area.value = cell.dataset.area;
        apply();
        selectTab("tasks");
        table.scrollIntoView({ block: "start" });
      });
    });
    apply();
  }

  function initMatrices(root) {
    var radios = root.querySelectorAll("input[name=matrix]");
    function show() {
      radios.forEach(function (r) {
        var m = root.querySelector('[data-matrix="' + r.value + '"]');
        if (m) { m.hidden = !r.checked; }
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", show); });
    show();
  }

  function initDiff(root) {
    var only = root.querySelector("#only-edited");
    if (!only) { return; }
    function apply() {
      root.querySelectorAll("#pairs tr.unedited").forEach(function (r) {
        r.classList.toggle("hide", only.checked);
      });
    }
    only.addEventListener("change", apply);
    apply();
  }

  function initResult(root) {
    var selectTab = initTabs(root);
    initTable(root, selectTab);
    initMatrices(root);
    initDiff(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initDropzones(document);
    initForms();
    var result = document.getElementById("result");
    if (result) { initResult(result); }
  });
})();

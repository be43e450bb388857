/* taskmap's page: drop zones, results without reloading (so the chosen files stay for the
   downloads), the table's search, filters and sorting, and corrections (a row's 行动领域,
   重点任务, 牵头单位, 责任单位, 完成时限, a plan's title) kept in the form's hidden field
   `edits` and posted with the files, so every download and a new view carry them.
   Hand-written, no libraries. Without JavaScript the forms still post and the server
   answers with whole pages (no corrections then). */
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
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        input.addEventListener("change", function () { // other files: their corrections go
          var field = document.getElementById("edits");
          if (field && field.value) {
            field.value = "";
            document.getElementById("result").innerHTML = '<p class="busy">已重新选择文件,' +
              "之前的修改已清除。请点击“查看任务分解表”。</p>";
          }
        });
      });
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
    var text = root.querySelector("#f-text"), who = root.querySelector("#f-body");
    var role = root.querySelector("#f-role"), area = root.querySelector("#f-area");
    var count = root.querySelector("#f-count");

    function apply() {
      var terms = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var key = "|" + who.value + "|", shown = 0;
      rows.forEach(function (r) {
        var words = r.textContent.toLowerCase(); // read now: a correction changes it
        var ok = terms.every(function (t) { return words.indexOf(t) >= 0; }) &&
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

  /* corrections ------------------------------------------------------------------- */

  var FIELDS = [["area", "行动领域"], ["title", "重点任务"], ["lead", "牵头单位"],
                ["responsible", "责任单位"], ["deadline", "完成时限"]];
  var NO_AREA = "(未分领域)";

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; } // text stays text, never markup
    return e;
  }

  function button(label, className, aria) {
    var b = el("button", className, label);
    b.type = "button";
    if (aria) { b.setAttribute("aria-label", aria); }
    return b;
  }

  function names(text) {
    return text.split(/[、,，;；\/\n]+/).map(function (s) { return s.trim(); })
      .filter(Boolean);
  }

  function initEdits(root) {
    var field = document.getElementById("edits");
    if (!field) { return; }
    var state;
    try { state = JSON.parse(field.value || "{}") || {}; } catch (e) { state = {}; }
    var bar = root.querySelector("#edits-bar");
    root.querySelectorAll(".edit-tools").forEach(function (t) { t.hidden = false; });

    function planOf(source) {
      if (!state[source]) { state[source] = { tasks: {} }; }
      return state[source];
    }
    function taskEdit(source, id) {
      return state[source] && state[source].tasks && state[source].tasks[id];
    }
    function store() {
      var tasks = 0, titles = 0;
      Object.keys(state).forEach(function (source) {
        var p = state[source];
        if (!p.tasks) { p.tasks = {}; }
        Object.keys(p.tasks).forEach(function (id) {
          if (!Object.keys(p.tasks[id]).length) { delete p.tasks[id]; }
        });
        tasks += Object.keys(p.tasks).length;
        if (p.title !== undefined) { titles += 1; }
        if (!Object.keys(p.tasks).length && p.title === undefined) { delete state[source]; }
      });
      field.value = Object.keys(state).length ? JSON.stringify(state) : "";
      if (bar) {
        bar.hidden = !(tasks || titles);
        var parts = [];
        if (tasks) { parts.push(tasks + " 项任务"); }
        if (titles) { parts.push(titles + " 个方案名称"); }
        bar.querySelector(".edits-count").textContent = "已修改 " + parts.join("、") +
          ":下载的文件都含这些修改;任务数、工作量等统计在“按修改重新统计”后更新。";
      }
    }

    function marked(cell, on, undo) { // the 已修改 mark and its 撤销 in a cell's tools
      var tools = cell.querySelector(".edit-tools");
      tools.querySelectorAll(".edited-mark, .undo").forEach(function (e) { e.remove(); });
      if (on) {
        tools.appendChild(el("span", "edited-mark", "已修改"));
        var b = button("撤销", "undo link", "撤销修改");
        b.addEventListener("click", undo);
        tools.appendChild(b);
      }
    }

    // a task row ----------------------------------------------------------------------
    var rows = root.querySelectorAll("#tasks tbody tr[data-task]");
    rows.forEach(function (row) {
      var original = JSON.parse(row.dataset.original);
      var source = row.dataset.plan, id = row.dataset.task;
      var cells = {
        area: row.querySelector("td.area"), task: row.querySelector("td.task"),
        lead: row.querySelector("td.lead"), responsible: row.querySelector("td.responsible"),
        deadline: row.querySelector("td.deadline")
      };
      var title = cells.task.querySelector(".title");
      var actions = row.querySelector("td.edit-col");
      var editButton = actions.querySelector(".edit-row");
      var pristine = null; // the cells as the plan gave them, while no correction is shown
      var editing = null;

      function snapshot() {
        var s = {};
        ["area", "lead", "responsible", "deadline"].forEach(function (k) {
          s[k] = Array.prototype.map.call(cells[k].childNodes, function (n) {
            return n.cloneNode(true);
          });
        });
        s.title = title.textContent;
        s.data = [row.dataset.area, row.dataset.lead, row.dataset.responsible];
        return s;
      }
      function restore(s) {
        ["area", "lead", "responsible", "deadline"].forEach(function (k) {
          cells[k].replaceChildren.apply(cells[k], s[k]);
        });
        title.textContent = s.title;
        title.hidden = false;
        row.dataset.area = s.data[0]; row.dataset.lead = s.data[1];
        row.dataset.responsible = s.data[2];
      }
      function values() {
        var edit = taskEdit(source, id) || {}, out = {};
        FIELDS.forEach(function (f) {
          out[f[0]] = edit[f[0]] !== undefined ? edit[f[0]] : original[f[0]];
        });
        return out;
      }
      function bodies(cell, text, implied, missing) {
        var list = names(text);
        cell.replaceChildren();
        list.forEach(function (name, i) {
          if (i) { cell.appendChild(document.createTextNode("、")); }
          cell.appendChild(el("span", "body", name));
        });
        implied.forEach(function (n, i) {
          if (list.length || i) { cell.appendChild(document.createTextNode("、")); }
          cell.appendChild(n);
        });
        if (missing && !list.length && !implied.length) {
          cell.appendChild(el("span", "missing", "未明确"));
        }
        return "|" + list.join("|") + "|";
      }
      function show(v, base) { // the values `v`, the implied bodies of `base` kept
        function implied(k) {
          return base[k].filter(function (n) {
            return n.nodeType === 1 && n.classList.contains("implicit");
          }).map(function (n) { return n.cloneNode(true); });
        }
        cells.area.textContent = v.area || NO_AREA;
        row.dataset.area = v.area || NO_AREA;
        title.textContent = v.title;
        title.hidden = false;
        row.dataset.lead = bodies(cells.lead, v.lead, implied("lead"), true);
        row.dataset.responsible = bodies(cells.responsible, v.responsible,
                                         implied("responsible"), false);
        cells.deadline.textContent = v.deadline;
      }
      function mark() {
        var on = !!taskEdit(source, id);
        row.classList.toggle("edited", on);
        marked(actions, on, undo);
      }
      function undo() {
        if (editing) { cancel(); }
        if (state[source] && state[source].tasks) { delete state[source].tasks[id]; }
        if (pristine) { restore(pristine); } else { show(values(), snapshot()); }
        pristine = null;
        store();
        mark();
        editButton.focus();
      }
      function start() {
        if (editing) { return; }
        var before = snapshot();
        if (!pristine && !taskEdit(source, id)) { pristine = before; }
        var v = values(), inputs = {};
        FIELDS.forEach(function (f) {
          var many = f[0] === "lead" || f[0] === "responsible";
          var input = el(many ? "textarea" : "input", "edit-field");
          if (many) { input.rows = 2; input.placeholder = "多个单位用“、”分隔"; }
          else { input.type = "text"; }
          input.value = v[f[0]];
          input.setAttribute("aria-label", f[1]);
          input.addEventListener("keydown", function (e) {
            if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); save(); }
            else if (e.key === "Escape") { e.preventDefault(); cancel(); }
          });
          inputs[f[0]] = input;
        });
        cells.area.replaceChildren(inputs.area);
        title.hidden = true;
        title.after(inputs.title);
        cells.lead.replaceChildren(inputs.lead);
        cells.responsible.replaceChildren(inputs.responsible);
        cells.deadline.replaceChildren(inputs.deadline);
        var ok = button("保存", "primary save"), no = button("取消", "cancel");
        ok.addEventListener("click", save);
        no.addEventListener("click", cancel);
        editButton.hidden = true;
        var tools = actions.querySelector(".edit-tools");
        tools.prepend(ok, no);
        editing = { before: before, inputs: inputs, buttons: [ok, no] };
        row.classList.add("editing");
        inputs.lead.focus();
      }
      function stop() {
        editing.inputs.title.remove();
        editing.buttons.forEach(function (b) { b.remove(); });
        editButton.hidden = false;
        row.classList.remove("editing");
        editing = null;
      }
      function cancel() {
        var before = editing.before;
        stop();
        restore(before);
        editButton.focus();
      }
      function save() {
        var change = {};
        FIELDS.forEach(function (f) {
          var typed = editing.inputs[f[0]].value.trim();
          if (typed !== String(original[f[0]]).trim()) { change[f[0]] = typed; }
        });
        var before = editing.before;
        stop();
        if (Object.keys(change).length) {
          planOf(source).tasks[id] = change;
          show(values(), before);
        } else {
          if (state[source] && state[source].tasks) { delete state[source].tasks[id]; }
          if (pristine) { restore(pristine); } else { show(values(), before); }
          pristine = null;
        }
        store();
        mark();
        editButton.focus();
      }
      editButton.addEventListener("click", start);
      row.undoEdit = undo;
      mark();
    });

    // a plan's title ------------------------------------------------------------------
    var titles = root.querySelectorAll("table.plans tr[data-plan]");
    titles.forEach(function (tr) {
      var source = tr.dataset.plan, original = tr.dataset.originalTitle;
      var cell = tr.querySelector("td.plan-title"), text = cell.querySelector(".title-text");
      var editButton = cell.querySelector(".edit-title");
      var editing = null;
      function mark() {
        var on = !!state[source] && state[source].title !== undefined;
        cell.classList.toggle("edited", on);
        marked(cell, on, undo);
      }
      function undo() {
        if (editing) { stop(); }
        if (state[source]) { delete state[source].title; }
        text.textContent = original;
        store();
        mark();
        editButton.focus();
      }
      function stop() {
        editing.forEach(function (e) { e.remove(); });
        text.hidden = false;
        editButton.hidden = false;
        editing = null;
      }
      function save(input) {
        var typed = input.value.trim();
        stop();
        if (typed !== original.trim()) { planOf(source).title = typed; }
        else if (state[source]) { delete state[source].title; }
        text.textContent = typed;
        store();
        mark();
        editButton.focus();
      }
      editButton.addEventListener("click", function () {
        if (editing) { return; }
        var input = el("input", "edit-field title-field");
        input.type = "text";
        input.value = text.textContent;
        input.setAttribute("aria-label", "方案名称");
        var ok = button("保存", "primary save"), no = button("取消", "cancel");
        input.addEventListener("keydown", function (e) {
          if (e.key === "Enter") { e.preventDefault(); save(input); }
          else if (e.key === "Escape") { e.preventDefault(); stop(); editButton.focus(); }
        });
        ok.addEventListener("click", function () { save(input); });
        no.addEventListener("click", function () { stop(); editButton.focus(); });
        text.hidden = true;
        editButton.hidden = true;
        text.after(input);
        cell.querySelector(".edit-tools").prepend(ok, no);
        editing = [input, ok, no];
        input.focus();
        input.select();
      });
      tr.undoEdit = undo;
      mark();
    });

    if (bar) {
      bar.querySelector("#edits-apply").addEventListener("click", function () {
        var form = field.form, view = form.querySelector("button[data-view]");
        if (form.requestSubmit) { form.requestSubmit(view); } else { view.click(); }
      });
      bar.querySelector("#edits-undo-all").addEventListener("click", function () {
        Array.prototype.forEach.call(rows, function (r) {
          if (r.classList.contains("edited")) { r.undoEdit(); }
        });
        Array.prototype.forEach.call(titles, function (t) {
          if (t.querySelector("td.plan-title.edited")) { t.undoEdit(); }
        });
      });
    }
    store();
  }

  function initResult(root) {
    var selectTab = initTabs(root);
    initEdits(root);
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

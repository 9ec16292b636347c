(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) { return; }
  var T = JSON.parse(root.getAttribute("data-texts"));
  var API = root.getAttribute("data-api");
  var notice = document.getElementById("notice");
  var tg = window.Telegram && window.Telegram.WebApp;
  var initData = tg && tg.initData;

  function say(text) { notice.textContent = text || ""; notice.hidden = !text; }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = text; }
    return element;
  }
  function byId(id) { return document.getElementById(id); }
  function list(target, items, className) {
    target.textContent = "";
    if (!items.length) { target.appendChild(node("li", "lead", T.nothing)); return; }
    items.forEach(function (item) { target.appendChild(node("li", className || "", item)); });
  }
  function copyOf(id) { return byId(id).content.firstElementChild.cloneNode(true); }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function problem(result) { return (result.data && result.data.error) || T.network; }

  // Every call carries Telegram's initData; a call that changes something carries its own key.
  function call(method, path, body, type) {
    var headers = {"Authorization": "tma " + initData};
    var payload;
    if (method !== "GET") { headers["Idempotency-Key"] = newKey(); }
    if (body instanceof ArrayBuffer) {
      headers["Content-Type"] = type || "text/csv";
      payload = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(API + path, {method: method, headers: headers, body: payload, credentials: "omit", cache: "no-store"})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var read = type.indexOf("application/json") === 0 ? response.json() : response.blob();
        return read.then(function (data) { return {status: response.status, ok: response.ok, data: data}; });
      })
      .catch(function () { return {status: 0, ok: false, data: {error: T.network}}; });
  }

  // Projects -------------------------------------------------------------------------------------
  function showStatus(card, project) {
    var status = project.status;
    var form = card.querySelector("form");
    card.querySelector(".p-current").textContent = status ? status.line : T.no_status;
    form.elements.status.value = status ? status.status : form.elements.status.options[0].value;
    form.elements.progress.value = status && status.progress !== null ? status.progress : "";
    form.elements.note.value = status && status.note ? status.note : "";
  }
  function loadHistory(snip, details) {
    var target = details.querySelector("ol");
    target.textContent = "";
    target.appendChild(node("li", "lead", T.loading));
    call("GET", "/proyectos/" + encodeURIComponent(snip) + "/historial").then(function (result) {
      target.textContent = "";
      if (!result.ok) { target.appendChild(node("li", "", problem(result))); return; }
      if (!result.data.entries.length) { target.appendChild(node("li", "lead", result.data.empty)); return; }
      result.data.entries.forEach(function (entry) {
        var item = node("li");
        item.appendChild(node("time", "", entry.heading));
        item.appendChild(node("strong", "", entry.status));
        if (entry.note) { item.appendChild(node("div", "", fill(T.note, {note: entry.note}))); }
        if (entry.changed) { item.appendChild(node("div", "lead", fill(T.changed, {what: entry.changed}))); }
        target.appendChild(item);
      });
    });
  }
  function projectCard(project) {
    var card = copyOf("tpl-project");
    var form = card.querySelector("form");
    var button = form.querySelector("button");
    var result = form.querySelector(".result");
    var details = card.querySelector("details");
    card.id = "proyecto-" + project.snip;
    card.querySelector(".p-title").textContent = project.title;
    card.querySelector(".p-name").textContent = project.name;
    card.querySelector(".p-zona").textContent = project.zona;
    card.querySelector(".p-observation").textContent = project.observation;
    showStatus(card, project);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      result.textContent = T.saving;
      var body = {
        status: form.elements.status.value,
        progress: form.elements.progress.value,
        note: form.elements.note.value
      };
      call("POST", "/proyectos/" + encodeURIComponent(project.snip) + "/estado", body).then(function (answer) {
        button.disabled = false;
        if (!answer.ok) { result.textContent = problem(answer); return; }
        result.textContent = answer.data.message;
        showStatus(card, answer.data.project);
        if (details.open) { loadHistory(project.snip, details); }
      });
    });
    details.addEventListener("toggle", function () { if (details.open) { loadHistory(project.snip, details); } });
    return card;
  }
  function projects() {
    var box = byId("projects");
    box.appendChild(node("p", "lead", T.loading));
    call("GET", "/proyectos").then(function (result) {
      box.textContent = "";
      if (!result.ok) { say(problem(result)); return; }
      result.data.projects.forEach(function (project) { box.appendChild(projectCard(project)); });
    });
  }

  // Announcements --------------------------------------------------------------------------------
  function announcements() {
    var form = byId("announce-form");
    var submit = form.querySelector("button[type=submit]");
    var preview = byId("preview");
    var recipients = byId("recipients");
    var error = byId("announce-error");
    var confirm = byId("confirm");
    var send = byId("send");
    var cancel = byId("cancel");
    var draft = null;
    var timer = null;
    var asked = 0;
    var tried = false;

    function showError(text) { error.textContent = text || ""; error.hidden = !text; }
    function body() { return {audience: form.elements.audience.value, text: form.elements.text.value}; }
    function render(runs) {
      preview.textContent = "";
      runs.forEach(function (run) {
        var classes = run.styles.map(function (style) { return "tg-" + style; }).join(" ");
        preview.appendChild(node("span", classes, run.text));
      });
    }
    function refresh() {
      var mine = ++asked;
      call("POST", "/anuncios/vista-previa", body()).then(function (result) {
        if (mine !== asked) { return; }
        if (!result.ok) { say(problem(result)); return; }
        recipients.textContent = result.data.recipients_line || "";
        render(result.data.runs);
        // What is wrong shows once there is text, or once "Revisar y enviar" was pressed
        // (a preview asked before the press answers after it, and must not hide its error).
        showError(tried || form.elements.text.value.trim() ? result.data.error : "");
      });
    }
    function changed() {
      confirm.hidden = true;
      draft = null;
      tried = false;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit.disabled = true;
      tried = true;
      call("POST", "/anuncios", body()).then(function (result) {
        submit.disabled = false;
        if (!result.ok) { showError(problem(result)); return; }
        showError("");
        draft = result.data.id;
        render(result.data.runs);
        byId("confirm-line").textContent = result.data.confirm;
        confirm.hidden = false;
        send.focus();
      });
    });
    send.addEventListener("click", function () {
      if (draft === null) { return; }
      send.disabled = true;
      call("POST", "/anuncios/" + draft + "/enviar", {}).then(function (result) {
        send.disabled = false;
        confirm.hidden = true;
        draft = null;
        if (!result.ok) { showError(problem(result)); return; }
        form.reset();
        tried = false;
        refresh();
        follow(result.data.delivery);
      });
    });
    cancel.addEventListener("click", function () {
      if (draft === null) { return; }
      call("POST", "/anuncios/" + draft + "/cancelar", {}).then(function (result) {
        confirm.hidden = true;
        draft = null;
        showError(result.ok ? "" : problem(result));
        if (result.ok) { say(result.data.message); }
      });
    });
    refresh();
    recent();
  }
  function follow(delivery) {
    var box = byId("delivery");
    var problems = byId("delivery-problems");
    box.hidden = false;
    byId("delivery-title").textContent = delivery.title;
    byId("delivery-line").textContent = delivery.line;
    byId("delivery-counts").textContent = delivery.counts;
    byId("delivery-bar").max = Math.max(delivery.total, 1);
    byId("delivery-bar").value = delivery.sent + delivery.failed;
    problems.hidden = !delivery.problems.length;
    list(problems.querySelector("ul"), delivery.problems);
    if (delivery.finished) { recent(); return; }
    window.setTimeout(function () {
      call("GET", "/anuncios/" + delivery.id).then(function (result) {
        if (result.ok) { follow(result.data.delivery); } else { say(problem(result)); }
      });
    }, 1500);
  }
  function recent() {
    call("GET", "/anuncios").then(function (result) {
      if (!result.ok) { return; }
      var target = byId("recent");
      target.textContent = "";
      if (!result.data.broadcasts.length) { target.appendChild(node("li", "lead", T.nothing)); return; }
      result.data.broadcasts.forEach(function (delivery) {
        var item = node("li", "card");
        item.appendChild(node("div", "staff-label", delivery.line));
        item.appendChild(node("div", "", delivery.counts));
        delivery.problems.forEach(function (text) { item.appendChild(node("div", "lead", text)); });
        target.appendChild(item);
      });
    });
  }

  // The report -----------------------------------------------------------------------------------
  function report() {
    call("GET", "/reporte").then(function (result) {
      if (!result.ok) { say(problem(result)); return; }
      var data = result.data;
      var chart = byId("chart");
      chart.textContent = "";
      if (data.chart_svg) {
        // Drawn by the server from its own template, every text in it escaped there.
        var drawn = new DOMParser().parseFromString(data.chart_svg, "text/html").body.firstElementChild;
        chart.appendChild(document.importNode(drawn, true));
      } else {
        chart.appendChild(node("p", "lead", T.nothing));
      }
      list(byId("unanswered"), data.unanswered);
      list(byId("topics"), data.topics);
      byId("feedback").textContent = data.feedback;
      list(byId("late"), data.late);
      list(byId("subscriptions"), data.subscriptions);
      var reports = byId("reports");
      reports.textContent = "";
      if (!data.reports.length) { reports.appendChild(node("li", "lead", T.nothing)); }
      data.reports.forEach(function (item) { reports.appendChild(groundReport(item)); });
    });
  }
  function groundReport(item) {
    var card = copyOf("tpl-report");
    var button = card.querySelector("button");
    var result = card.querySelector(".result");
    card.querySelector(".r-heading").textContent = item.heading;
    card.querySelector(".r-text").textContent = item.text;
    button.addEventListener("click", function () {
      button.disabled = true;
      call("POST", "/reportes/" + item.id + "/revisado", {}).then(function (answer) {
        result.textContent = answer.ok ? answer.data.message : problem(answer);
        button.disabled = answer.ok;
      });
    });
    return card;
  }
  function exporter() {
    var button = byId("export");
    button.addEventListener("click", function () {
      button.disabled = true;
      call("GET", "/exportar").then(function (result) {
        button.disabled = false;
        if (!result.ok) { say(problem(result)); return; }
        var url = URL.createObjectURL(result.data);
        var link = node("a");
        link.href = url;
        link.download = "estado-proyectos.csv";
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      });
    });
  }
  function csvUpload() {
    var form = byId("csv-form");
    var box = byId("csv-preview");
    var actions = byId("csv-actions");
    var outcome = byId("csv-result");
    var pending = null;
    function confirmCsv(verb) {
      if (pending === null) { return; }
      actions.hidden = true;
      call("POST", "/csv/" + pending + "/" + verb, {}).then(function (result) {
        pending = null;
        outcome.textContent = result.ok ? result.data.message : problem(result);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = form.elements.file.files[0];
      if (!file) { return; }
      if (file.size > 1000000) { say(T.too_big); return; }
      file.arrayBuffer().then(function (bytes) { return call("POST", "/csv", bytes); }).then(function (result) {
        box.hidden = false;
        outcome.textContent = "";
        if (!result.ok) { byId("csv-summary").textContent = problem(result); actions.hidden = true; return; }
        var data = result.data;
        pending = data.id;
        byId("csv-summary").textContent = data.nothing ? data.summary + " " + data.nothing : data.summary;
        list(byId("csv-ready"), data.ready);
        list(byId("csv-rejected"), data.rejected);
        actions.hidden = pending === null;
      });
    });
    byId("csv-apply").addEventListener("click", function () { confirmCsv("aplicar"); });
    byId("csv-discard").addEventListener("click", function () { confirmCsv("descartar"); });
  }


  // The team (administrators only) --------------------------------------------------------------
  function team() {
    var box = byId("team");
    var form = byId("team-form");
    var add = form.querySelector("button[type=submit]");
    var outcome = byId("team-result");
    function show(members) {
      box.textContent = "";
      members.forEach(function (member) { box.appendChild(memberCard(member)); });
    }
    function answered(result) {
      if (result.data && result.data.members) { show(result.data.members); }
      outcome.textContent = result.ok ? result.data.message : problem(result);
      return result;
    }
    function memberCard(member) {
      var card = copyOf("tpl-member");
      var remove = card.querySelector(".m-remove");
      var asking = card.querySelector(".m-confirm");
      var yes = card.querySelector(".m-yes");
      card.id = "miembro-" + member.user_id;
      card.querySelector(".m-title").textContent = member.title;
      card.querySelector(".m-role").textContent = member.role;
      card.querySelector(".m-added").textContent = member.added || "";
      card.querySelector(".m-actions").hidden = !member.removable;
      var note = card.querySelector(".m-note");
      note.textContent = member.note || "";
      note.hidden = !member.note;
      card.querySelector(".m-question").textContent = member.confirm || "";
      remove.addEventListener("click", function () { asking.hidden = false; remove.hidden = true; yes.focus(); });
      card.querySelector(".m-no").addEventListener("click", function () { asking.hidden = true; remove.hidden = false; });
      yes.addEventListener("click", function () {
        yes.disabled = true;
        outcome.textContent = T.saving;
        call("POST", "/equipo/" + member.user_id + "/quitar", {}).then(function (result) {
          yes.disabled = false;
          answered(result);
        });
      });
      return card;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = form.elements.user_id.value.trim();
      if (!/^[0-9]{1,16}$/.test(typed)) { outcome.textContent = T.bad_id; return; }
      add.disabled = true;
      outcome.textContent = T.saving;
      call("POST", "/equipo", {user_id: typed}).then(function (result) {
        add.disabled = false;
        answered(result);
        if (result.ok) { form.reset(); }
      });
    });
    box.appendChild(node("li", "lead", T.loading));
    call("GET", "/equipo").then(function (result) {
      box.textContent = "";
      if (!result.ok) { say(problem(result)); return; }
      show(result.data.members);
    });
  }

  // The plan's edition ---------------------------------------------------------------------------
  function editionNow() {
    call("GET", "/edicion").then(function (result) {
      if (!result.ok) { say(problem(result)); return; }
      var data = result.data;
      var upload = data.upload;
      byId("edition-now").textContent = data.identity;
      list(byId("edition-kept"), data.kept);
      byId("edition-lead").textContent = upload.lead;
      byId("edition-form").hidden = false;
      byId("edition-form").setAttribute("data-max", upload.max_bytes);
      byId("edition-form").setAttribute("data-too-big", upload.too_big);
    });
  }
  function showPreview(data) {
    var groups = byId("ep-groups");
    byId("ep-identity").textContent = data.identity;
    list(byId("ep-facts"), data.facts);
    byId("ep-changes-title").textContent = data.changes_title;
    var lines = byId("ep-changes");
    lines.textContent = "";
    data.changes.forEach(function (line) { lines.appendChild(node("p", "", line)); });
    groups.textContent = "";
    data.groups.forEach(function (group) {
      groups.appendChild(node("h4", "", group.title));
      var items = node("ul");
      list(items, group.items);
      groups.appendChild(items);
    });
    byId("ep-source").textContent = data.source || "";
    list(byId("ep-notes"), data.notes);
  }
  function editionUpload() {
    var form = byId("edition-form");
    var box = byId("edition-preview");
    var body = byId("ep-body");
    var refused = byId("ep-refused");
    var actions = byId("ep-actions");
    var status = byId("ep-status");
    var outcome = byId("ep-result");
    var pending = null;
    function confirmEdition(verb) {
      if (pending === null) { return; }
      actions.hidden = true;
      outcome.textContent = T.saving;
      call("POST", "/edicion/" + pending + "/" + verb, {}).then(function (result) {
        pending = null;
        outcome.textContent = result.ok ? result.data.message : problem(result);
        if (result.ok) { editionNow(); }
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = form.elements.file.files[0];
      if (!file) { return; }
      box.hidden = false;
      body.hidden = true;
      refused.hidden = true;
      outcome.textContent = "";
      pending = null;
      if (file.size > Number(form.getAttribute("data-max"))) {
        status.textContent = form.getAttribute("data-too-big");
        return;
      }
      status.textContent = T.reading;
      var path = "/edicion?archivo=" + encodeURIComponent(file.name);
      file.arrayBuffer().then(function (bytes) {
        return call("POST", path, bytes, "application/octet-stream");
      }).then(function (result) {
        status.textContent = "";
        pending = null;
        if (result.status === 422) {
          byId("ep-error").textContent = result.data.error;
          byId("ep-problem").textContent = result.data.problem;
          byId("ep-unchanged").textContent = result.data.unchanged;
          refused.hidden = false;
          return;
        }
        if (!result.ok) { status.textContent = problem(result); return; }
        pending = result.data.id;
        showPreview(result.data);
        body.hidden = false;
        actions.hidden = false;
        byId("ep-load").focus();
      });
    });
    byId("ep-load").addEventListener("click", function () { confirmEdition("cargar"); });
    byId("ep-discard").addEventListener("click", function () { confirmEdition("descartar"); });
  }

  if (!initData) { say(T.outside); return; }
  call("GET", "/yo").then(function (result) {
    if (!result.ok) { say(problem(result)); return; }
    var who = byId("who");
    var admin = result.data.role === "admin";
    var view = root.getAttribute("data-view");
    who.textContent = fill(T.signed_in, {name: result.data.name});
    who.hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-admin]"), function (tab) { tab.hidden = !admin; });
    if (view === "equipo" && !admin) { say(T.admin_only); return; }
    byId("view").hidden = false;
    if (view === "proyectos") { projects(); }
    if (view === "anuncios") { announcements(); }
    if (view === "reporte") { report(); exporter(); csvUpload(); }
    if (view === "edicion") { editionNow(); editionUpload(); }
    if (view === "equipo") { team(); }
  });
})();

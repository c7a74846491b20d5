/* Offline drafts of the field forms (inspection, patrol): nothing typed on a phone is lost.

   A draft lives in IndexedDB, keyed by the client_uuid made when the form was first changed
   (photos and the signature as bytes inside it). Submitting turns it into a queued draft with
   the multipart payload ready; queued drafts are sent on page load, on the `online` event and
   every minute; a draft is deleted only after the server answered {ok: true}. The server's
   client_uuid idempotency makes a resend of a draft it already has harmless.
   No inline scripts (CSP): configuration and translated labels come from json_script blocks. */
(function () {
  "use strict";

  var DB_NAME = "firegrid-field";
  var STORE = "drafts";
  var RETRY_MS = 60000;
  var labels = {};
  var listeners = [];
  var currentUuid = null;
  var sending = false;
  var again = false;
  var dbPromise = null;

  // ------------------------------------------------------------------ IndexedDB
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var store = request.result.createObjectStore(STORE, { keyPath: "uuid" });
          store.createIndex("formKey", "formKey");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function put(draft) {
    draft.updatedAt = new Date().toISOString();
    return run("readwrite", function (store) { return store.put(draft); });
  }
  function get(uuid) { return run("readonly", function (store) { return store.get(uuid); }); }
  function remove(uuid) { return run("readwrite", function (store) { return store.delete(uuid); }); }
  function all() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
    });
  }

  function newUuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // The open form's draft: the newest one for the same form key, else a fresh one.
  function draftFor(config, freshState) {
    return all().then(function (rows) {
      var mine = rows.filter(function (d) { return d.formKey === config.form_key; });
      if (mine.length) { return { draft: mine[mine.length - 1], restored: true }; }
      var now = new Date().toISOString();
      return {
        restored: false,
        draft: {
          uuid: newUuid(), kind: config.kind, formKey: config.form_key, formUrl: config.form_url,
          submitUrl: config.submit_url, title: config.title, status: "editing", error: "",
          createdAt: now, updatedAt: now, state: freshState(now), payload: null,
        },
      };
    });
  }

  // ------------------------------------------------------------------ sending
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function formData(payload) {
    var data = new FormData();
    Object.keys(payload.fields).forEach(function (key) {
      var value = payload.fields[key];
      if (value !== null && value !== undefined) { data.append(key, value); }
    });
    payload.files.forEach(function (file) {
      data.append(file.field, new Blob([file.data], { type: file.type || "application/octet-stream" }), file.name);
    });
    return data;
  }

  // → {outcome: "sent" | "rejected" | "retry" | "login", body}
  function sendOne(draft) {
    return fetch(draft.submitUrl, {
      method: "POST",
      body: formData(draft.payload),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body && body.ok) { return { outcome: "sent", body: body }; }
        if (response.status === 401) { return { outcome: "login", body: body }; }
        if (response.status >= 400 && response.status < 500 && body && body.error) {
          return { outcome: "rejected", body: body };
        }
        return { outcome: "retry", body: body };
      });
    }, function () { return { outcome: "retry", body: null }; });
  }

  // Send one draft and store what happened to it; listeners hear every outcome.
  function deliver(draft) {
    return sendOne(draft).then(function (answer) {
      var done;
      if (answer.outcome === "sent") {
        done = remove(draft.uuid);
      } else if (answer.outcome === "rejected") {
        draft.status = "rejected";
        draft.error = answer.body.error.message || "";
        done = put(draft);
      } else {
        draft.error = answer.outcome === "login" ? labels.login : labels.retry;
        done = put(draft);
      }
      return done.then(function () {
        listeners.forEach(function (fn) { fn(draft, answer); });
        refresh();
        return answer;
      });
    });
  }

  function sendQueued() {
    if (!navigator.onLine) { return Promise.resolve(); }
    if (sending) { again = true; return Promise.resolve(); }
    sending = true;
    again = false;
    showStatus(labels.sending);
    return all().then(function (rows) {
      var queued = rows.filter(function (d) { return d.status === "queued" && d.payload; });
      return queued.reduce(function (chain, draft) {
        return chain.then(function () { return deliver(draft); });
      }, Promise.resolve());
    }).catch(function () { return null; }).then(function () {
      sending = false;
      showStatus("");
      if (again) { return sendQueued(); }
      return null;
    });
  }

  // Queue the open form's draft and try to send it at once.
  function submit(draft) {
    draft.status = "queued";
    draft.error = "";
    return put(draft).then(function () {
      refresh();
      if (!navigator.onLine) { return { outcome: "offline", body: null }; }
      if (sending) { again = true; return { outcome: "waiting", body: null }; }
      sending = true;
      return deliver(draft).then(function (answer) { sending = false; return answer; },
        function () { sending = false; return { outcome: "retry", body: null }; });
    });
  }

  // ------------------------------------------------------------------ indicator and list
  function showStatus(text) {
    var el = document.getElementById("draft-status");
    if (el) { el.textContent = text || ""; }
  }

  function showNetwork() {
    var el = document.getElementById("net-status");
    if (!el) { return; }
    var online = navigator.onLine;
    el.dataset.online = online ? "1" : "0";
    el.textContent = online ? labels.online : labels.offline;
    el.className = "net-status " + (online ? "is-online" : "is-offline");
  }

  function draftItem(draft) {
    var li = document.createElement("li");
    li.className = "draft draft-" + draft.status;
    li.dataset.uuid = draft.uuid;
    li.dataset.status = draft.status;
    var title = document.createElement("strong");
    title.textContent = draft.title;
    li.appendChild(title);
    var meta = document.createElement("span");
    meta.className = "draft-meta";
    meta.textContent = " · " + (labels[draft.status] || draft.status) + " · " + new Date(draft.updatedAt).toLocaleString();
    li.appendChild(meta);
    if (draft.error) {
      var error = document.createElement("p");
      error.className = "field-error";
      error.textContent = draft.error;
      li.appendChild(error);
    }
    if (draft.uuid !== currentUuid) {
      var open = document.createElement("a");
      open.href = draft.formUrl;
      open.textContent = labels.open;
      open.className = "button small";
      li.appendChild(open);
    }
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "small link-button draft-delete";
    drop.textContent = labels.delete;
    drop.addEventListener("click", function () {
      if (window.confirm(labels.confirm_delete)) {
        remove(draft.uuid).then(function () {
          if (draft.uuid === currentUuid) { window.location.reload(); } else { refresh(); }
        });
      }
    });
    li.appendChild(drop);
    return li;
  }

  // Unsent drafts: everything stored except the open form's draft while it is being edited.
  function refresh() {
    var list = document.getElementById("draft-list");
    if (!list) { return Promise.resolve(); }
    return all().then(function (rows) {
      var shown = rows.filter(function (d) { return !(d.uuid === currentUuid && d.status === "editing"); });
      list.textContent = "";
      list.dataset.count = String(shown.length);
      if (!shown.length) {
        var empty = document.createElement("li");
        empty.className = "muted draft-empty";
        empty.textContent = labels.no_drafts;
        list.appendChild(empty);
      }
      shown.forEach(function (draft) { list.appendChild(draftItem(draft)); });
    });
  }

  function announceSent(draft, answer) {
    if (answer.outcome !== "sent" || draft.uuid === currentUuid) { return; }
    var box = document.getElementById("draft-sent");
    if (!box) { return; }
    box.textContent = labels.sent + ": " + draft.title + " ";
    var link = document.createElement("a");
    link.href = answer.body.redirect;
    link.textContent = labels.result;
    box.appendChild(link);
    box.hidden = false;
  }

  // ------------------------------------------------------------------ form helpers
  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  }

  // Named controls as {name: value}: a radio group's checked value, a checkbox's state.
  function serialize(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        values[el.name] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.type === "file") { return; }
      if (el.type === "radio") {
        el.checked = values[el.name] === el.value;
      } else if (el.type === "checkbox") {
        el.checked = !!values[el.name];
      } else {
        el.value = values[el.name];
      }
    });
  }

  function fileRecord(file, item) {
    return file.arrayBuffer().then(function (data) {
      return { id: newUuid(), item: item, name: file.name || "photo.jpg", type: file.type, data: data };
    });
  }

  // Thumbnails with a remove button for the photos of `item`, in every list showing them.
  function renderPhotos(root, photos, item, onRemove) {
    root.querySelectorAll('[data-photo-list="' + item + '"]').forEach(function (list) {
      list.textContent = "";
      photos.filter(function (p) { return p.item === item; }).forEach(function (photo) {
        var li = document.createElement("li");
        li.className = "photo-thumb";
        var img = document.createElement("img");
        var url = URL.createObjectURL(new Blob([photo.data], { type: photo.type }));
        img.src = url;
        img.alt = photo.name;
        img.onload = function () { URL.revokeObjectURL(url); };
        li.appendChild(img);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "small";
        button.textContent = labels.remove;
        button.addEventListener("click", function () { onRemove(photo.id); });
        li.appendChild(button);
        list.appendChild(li);
      });
    });
  }

  function showErrors(messages) {
    var box = document.getElementById("form-errors");
    if (!box) { return; }
    box.textContent = "";
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.hidden = !messages.length;
    if (messages.length) { box.scrollIntoView({ block: "center" }); }
  }

  /* What a form shows when the server (or the network) answered for its current draft:
     "sent" goes to the result page; otherwise the draft keeps the status and error it got. */
  function applyOutcome(form, draft, sent, answer) {
    if (!draft || sent.uuid !== draft.uuid) { return; }
    if (answer.outcome === "sent") {
      form.dataset.draftState = "sent";
      window.location.assign(answer.body.redirect);
      return;
    }
    if (draft.status === "editing") { put(draft); return; }  // edited while it was being sent
    draft.status = sent.status;
    draft.error = sent.error;
    form.dataset.draftState = sent.status;
    if (answer.outcome === "rejected") {
      showQueued("");
      showErrors([sent.error]);
    } else {
      showQueued(labels.queued + (sent.error ? " " + sent.error : ""));
    }
  }

  function showQueued(text) {
    var banner = document.getElementById("queued-banner");
    if (!banner) { return; }
    banner.textContent = text || "";
    banner.hidden = !text;
  }

  function init(uuid) {
    currentUuid = uuid;
    showNetwork();
    refresh();
    sendQueued();
  }

  labels = readJson("field-labels");
  window.addEventListener("online", function () { showNetwork(); sendQueued(); });
  window.addEventListener("offline", showNetwork);
  window.setInterval(sendQueued, RETRY_MS);
  listeners.push(announceSent);

  window.FireGridDrafts = {
    labels: labels,
    readJson: readJson,
    draftFor: draftFor,
    put: put,
    get: get,
    remove: remove,
    all: all,
    submit: submit,
    sendQueued: sendQueued,
    refresh: refresh,
    init: init,
    onOutcome: function (fn) { listeners.push(fn); },
    serialize: serialize,
    restore: restore,
    fileRecord: fileRecord,
    renderPhotos: renderPhotos,
    showErrors: showErrors,
    showQueued: showQueued,
    applyOutcome: applyOutcome,
    showStatus: showStatus,
    setCurrent: function (uuid) { currentUuid = uuid; },
  };
})();

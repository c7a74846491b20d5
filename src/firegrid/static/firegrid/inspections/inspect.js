/* The inspection form on a phone (检查表): answers by item type, a failed item opens note, photo
   and "raise a hazard"; the position is compared with the place's point; an optional signature
   is drawn on a canvas. Everything is kept as a draft (drafts.js) while it is typed, and the
   submission is queued there, so a dropped connection loses nothing. */
(function () {
  "use strict";

  var D = window.FireGridDrafts;
  var labels = D.labels;
  var config = D.readJson("field-config");
  var form = document.getElementById("field-form");
  var items = {};
  var draft = null;
  var persisted = false;
  var saveTimer = null;

  config.items.forEach(function (item) { items[item.code] = item; });

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function freshState(now) {
    return { startedAt: now, values: {}, photos: [], signature: null, gps: null };
  }

  // ------------------------------------------------------------------ saving the draft
  function save(byUser) {
    if (!draft) { return Promise.resolve(); }
    draft.state.values = D.serialize(form);
    if (byUser && draft.status !== "editing") {
      draft.status = "editing";  // a changed submission must be submitted again
      draft.payload = null;
      draft.error = "";
      D.showQueued("");
    }
    if (!byUser && !persisted) { return Promise.resolve(); }
    persisted = true;
    return D.put(draft).then(function () {
      form.dataset.draftState = draft.status === "editing" ? "saved" : draft.status;
      D.showStatus(labels.saved);
      D.refresh();
    });
  }

  function saveSoon() {
    form.dataset.draftState = "dirty";
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(function () { save(true); }, 250);
  }

  // ------------------------------------------------------------------ answers
  function value(code) { return (draft.state.values || {})["answer-" + code]; }

  function failed(code) {
    var item = items[code];
    var raw = value(code);
    if (item.type === "pass_fail") { return raw === "fail"; }
    if (item.type !== "number" || raw === undefined || raw === "") { return false; }
    var number = parseFloat(raw);
    return (item.min !== null && number < item.min) || (item.max !== null && number > item.max);
  }

  function updateFailBoxes() {
    draft.state.values = D.serialize(form);
    form.querySelectorAll(".item").forEach(function (li) {
      var box = li.querySelector("[data-fail-box]");
      var isFailed = failed(li.dataset.item);
      li.classList.toggle("is-failed", isFailed);
      if (box) { box.hidden = !isFailed; }
    });
  }

  function photosOf(code) {
    return draft.state.photos.filter(function (p) { return p.item === code; });
  }

  function renderPhotos(code) {
    D.renderPhotos(form, draft.state.photos, code, function (id) {
      draft.state.photos = draft.state.photos.filter(function (p) { return p.id !== id; });
      renderPhotos(code);
      save(true);
    });
  }

  function addPhotos(input) {
    var code = input.dataset.photoItem;
    var files = Array.prototype.slice.call(input.files || []);
    Promise.all(files.map(function (file) { return D.fileRecord(file, code); })).then(function (records) {
      draft.state.photos = draft.state.photos.concat(records);
      input.value = "";
      renderPhotos(code);
      save(true);
    }, function () { D.showErrors([labels.photo_unreadable]); });
  }

  // ------------------------------------------------------------------ position
  function distanceM(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b[1] - a[1]) * rad;
    var dLon = (b[0] - a[0]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }

  function distance() {
    var gps = draft.state.gps;
    if (!gps || !config.place_point) { return null; }
    return distanceM([gps.lon, gps.lat], config.place_point);
  }

  function needsReason() {
    var d = distance();
    return !draft.state.gps || (d !== null && d > config.max_distance_m);
  }

  function showGps(message) {
    var status = document.getElementById("gps-status");
    var d = distance();
    var far = d !== null && d > config.max_distance_m;
    if (message) {
      status.textContent = message;
    } else if (draft.state.gps && d === null) {
      status.textContent = labels.no_place_point;
    } else if (draft.state.gps) {
      status.textContent = format(far ? labels.far : labels.distance,
        { d: Math.round(d), limit: Math.round(config.max_distance_m) });
    }
    status.className = "gps-status" + (far || !draft.state.gps ? " is-warning" : " is-ok");
    status.dataset.distance = d === null ? "" : String(Math.round(d));
    document.getElementById("gps-reason").hidden = !needsReason();
  }

  function locate() {
    if (!navigator.geolocation) { showGps(labels.gps_unsupported); return; }
    showGps(labels.gps_locating);
    navigator.geolocation.getCurrentPosition(function (position) {
      draft.state.gps = {
        lon: position.coords.longitude,
        lat: position.coords.latitude,
        accuracy: position.coords.accuracy,
        at: new Date(position.timestamp).toISOString(),
      };
      showGps();
      save(false);
    }, function () { showGps(labels.gps_missing); }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
  }

  // ------------------------------------------------------------------ signature
  var pad = document.getElementById("signature-pad");
  var ink = pad.getContext("2d");
  var drawing = false;

  function blankPad() {
    ink.fillStyle = "#fff";  // the server stores JPEG: a transparent pad would turn black
    ink.fillRect(0, 0, pad.width, pad.height);
  }

  function padPoint(event) {
    var box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  }

  function keepSignature() {
    pad.toBlob(function (blob) {
      blob.arrayBuffer().then(function (data) {
        draft.state.signature = { data: data, type: "image/png" };
        save(true).then(function () { form.dataset.signed = "1"; });
      });
    }, "image/png");
  }

  function wireSignature() {
    blankPad();
    ink.lineWidth = 3;
    ink.lineCap = "round";
    ink.strokeStyle = "#111";
    pad.addEventListener("pointerdown", function (event) {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      var p = padPoint(event);
      ink.beginPath();
      ink.moveTo(p[0], p[1]);
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = padPoint(event);
      ink.lineTo(p[0], p[1]);
      ink.stroke();
    });
    pad.addEventListener("pointerup", function () {
      if (!drawing) { return; }
      drawing = false;
      keepSignature();
    });
    document.getElementById("signature-clear").addEventListener("click", function () {
      blankPad();
      draft.state.signature = null;
      save(true);
    });
  }

  function drawSignature() {
    if (!draft.state.signature || !window.createImageBitmap) { return; }
    window.createImageBitmap(new Blob([draft.state.signature.data], { type: "image/png" })).then(function (bitmap) {
      ink.drawImage(bitmap, 0, 0);
    });
  }

  // ------------------------------------------------------------------ submitting
  function itemError(code, message) {
    var li = document.getElementById("item-" + code);
    var p = li.querySelector("[data-item-error]");
    p.textContent = message || "";
    p.hidden = !message;
    li.classList.toggle("has-error", !!message);
  }

  function validate() {
    var messages = [];
    config.items.forEach(function (item) {
      var raw = value(item.code);
      var message = "";
      if (item.type === "pass_fail" && item.required && !raw) { message = labels.required_answer; }
      if (item.type === "number" && item.required && (raw === undefined || raw === "")) { message = labels.required_number; }
      var wantsPhoto = (item.type === "photo" && item.required) || (failed(item.code) && item.photo_on_fail);
      if (!message && wantsPhoto && !photosOf(item.code).length) { message = labels.required_photo; }
      itemError(item.code, message);
      if (message) { messages.push(item.text + ": " + message); }
    });
    if (needsReason() && !(draft.state.values.distance_reason || "").trim()) {
      messages.push(labels.required_reason);
    }
    if (messages.length) { messages.unshift(labels.fix_errors); }
    return messages;
  }

  function answerRows(values) {
    var rows = [];
    config.items.forEach(function (item) {
      var raw = values["answer-" + item.code];
      var note = failed(item.code) ? (values["note-" + item.code] || "") : "";
      if (item.type === "pass_fail" && raw) { rows.push({ item: item.code, value: raw, note: note }); }
      if (item.type === "number" && raw !== undefined && raw !== "") {
        rows.push({ item: item.code, number: parseFloat(raw), note: note });
      }
      if (item.type === "text" && raw) { rows.push({ item: item.code, text: raw }); }
    });
    return rows;
  }

  function hazardRows(values) {
    return config.items.filter(function (item) {
      return item.hazard && failed(item.code) && values["hazard-" + item.code];
    }).map(function (item) {
      return { item: item.code, description: values["hazard_desc-" + item.code] || "" };
    });
  }

  // Photos of items that are no longer failed stay out of the submission (their box is hidden).
  function sentPhotos() {
    return draft.state.photos.filter(function (p) {
      return !p.item || items[p.item].type === "photo" || failed(p.item);
    });
  }

  function payload() {
    var values = draft.state.values;
    var gps = draft.state.gps || {};
    var files = sentPhotos().map(function (p, index) {
      return { field: "photo:" + p.item, name: p.name || "photo-" + (index + 1) + ".jpg", type: p.type, data: p.data };
    });
    if (draft.state.signature) {
      files.push({ field: "signature", name: "signature.png", type: "image/png", data: draft.state.signature.data });
    }
    return {
      fields: {
        client_uuid: draft.uuid,
        place_id: config.place_id,
        task_id: config.task_id === null ? "" : config.task_id,
        template_id: config.template_id,
        started_at: draft.state.startedAt,
        finished_at: new Date().toISOString(),
        lon: gps.lon === undefined ? "" : gps.lon,
        lat: gps.lat === undefined ? "" : gps.lat,
        accuracy_m: gps.accuracy === undefined ? "" : gps.accuracy,
        distance_reason: values.distance_reason || "",
        note: values.note || "",
        signed_by: values.signed_by || "",
        answers: JSON.stringify(answerRows(values)),
        hazards: JSON.stringify(hazardRows(values)),
      },
      files: files,
    };
  }

  function onSubmit(event) {
    event.preventDefault();
    window.clearTimeout(saveTimer);
    draft.state.values = D.serialize(form);
    var messages = validate();
    D.showErrors(messages);
    if (messages.length) { return; }
    draft.payload = payload();
    persisted = true;
    form.dataset.draftState = "queued";
    D.submit(draft).then(function (answer) {
      if (answer.outcome === "offline" || answer.outcome === "waiting") { D.showQueued(labels.queued); }
    });
  }

  function onOutcome(sent, answer) { D.applyOutcome(form, draft, sent, answer); }

  // ------------------------------------------------------------------ start
  function start(found) {
    draft = found.draft;
    persisted = found.restored;
    D.setCurrent(draft.uuid);
    form.dataset.uuid = draft.uuid;
    if (found.restored) { D.restore(form, draft.state.values || {}); }
    updateFailBoxes();
    Object.keys(items).concat([""]).forEach(renderPhotos);
    wireSignature();
    drawSignature();
    if (draft.status === "queued") { D.showQueued(labels.queued); }
    if (draft.status === "rejected") { D.showErrors([draft.error]); }
    form.dataset.draftState = found.restored ? "restored" : "new";
    if (draft.state.gps) { showGps(); } else { locate(); }
    form.addEventListener("input", function (event) {
      if (event.target.type === "file") { return; }
      updateFailBoxes();
      if (event.target.name === "distance_reason") { document.getElementById("gps-reason").hidden = !needsReason(); }
      saveSoon();
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") { addPhotos(event.target); return; }
      updateFailBoxes();
      saveSoon();
    });
    form.addEventListener("submit", onSubmit);
    document.getElementById("gps-refresh").addEventListener("click", locate);
    D.onOutcome(onOutcome);
    D.init(draft.uuid);
  }

  D.draftFor(config, freshState).then(start);
})();

/* Patrol check-in (巡查打卡) on a phone: start, walk (a GPS point every N seconds while the
   patrol is open), note, photos, hazards, stop and send. Kept as an offline draft by drafts.js,
   like the inspection form: a reload resumes the walk, a dropped connection queues it. */
(function () {
  "use strict";

  var D = window.FireGridDrafts;
  var labels = D.labels;
  var config = D.readJson("field-config");
  var form = document.getElementById("field-form");
  var draft = null;
  var persisted = false;
  var saveTimer = null;
  var watchId = null;
  var ticker = null;
  var lastFix = null;

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function freshState() {
    return { startedAt: null, finishedAt: null, running: false, points: [], hazards: [], photos: [], values: {} };
  }

  function save(byUser) {
    if (!draft) { return Promise.resolve(); }
    draft.state.values = D.serialize(form);
    if (byUser && draft.status !== "editing") {
      draft.status = "editing";
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

  // ------------------------------------------------------------------ walking
  function showWalk() {
    var state = draft.state;
    var status = document.getElementById("patrol-status");
    if (state.running) {
      status.textContent = format(labels.running, { t: new Date(state.startedAt).toLocaleTimeString() });
    } else {
      status.textContent = state.finishedAt ? labels.stopped : "";
    }
    document.getElementById("point-count").textContent = format(labels.points, { n: state.points.length });
    form.dataset.points = String(state.points.length);
    document.getElementById("patrol-start").hidden = state.running;
    document.getElementById("patrol-stop").hidden = !state.running;
  }

  function addPoint() {
    if (!lastFix || !draft.state.running) { return; }
    draft.state.points.push({
      lon: lastFix.coords.longitude,
      lat: lastFix.coords.latitude,
      accuracy: lastFix.coords.accuracy,
      at: new Date().toISOString(),
    });
    showWalk();
    save(true);
  }

  function watch() {
    if (!navigator.geolocation) { document.getElementById("patrol-status").textContent = labels.gps_unsupported; return; }
    watchId = navigator.geolocation.watchPosition(function (position) {
      var first = lastFix === null;
      lastFix = position;
      if (first || !draft.state.points.length) { addPoint(); }
    }, function () {
      document.getElementById("patrol-status").textContent = labels.gps_missing;
    }, { enableHighAccuracy: true, maximumAge: 10000 });
    ticker = window.setInterval(addPoint, config.interval_s * 1000);
  }

  function unwatch() {
    if (watchId !== null && navigator.geolocation) { navigator.geolocation.clearWatch(watchId); }
    window.clearInterval(ticker);
    watchId = null;
    ticker = null;
  }

  function startWalk() {
    draft.state.running = true;
    draft.state.finishedAt = null;
    draft.state.startedAt = draft.state.startedAt || new Date().toISOString();
    watch();
    showWalk();
    save(true);
  }

  function stopWalk() {
    if (!draft.state.running) { return; }
    addPoint();
    draft.state.running = false;
    draft.state.finishedAt = new Date().toISOString();
    unwatch();
    showWalk();
    save(true);
  }

  // ------------------------------------------------------------------ hazards and photos
  function renderHazards() {
    var list = document.getElementById("hazard-list");
    var select = document.getElementById("hazard-category");
    list.textContent = "";
    draft.state.hazards.forEach(function (hazard, index) {
      var li = document.createElement("li");
      var option = select.querySelector('option[value="' + hazard.category + '"]');
      li.textContent = (option ? option.textContent : hazard.category) + " — " + hazard.description + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = labels.remove;
      button.addEventListener("click", function () {
        draft.state.hazards.splice(index, 1);
        renderHazards();
        save(true);
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function addHazard() {
    var description = document.getElementById("hazard-description");
    if (!description.value.trim()) { D.showErrors([labels.need_description]); return; }
    D.showErrors([]);
    draft.state.hazards.push({
      category: document.getElementById("hazard-category").value,
      description: description.value.trim(),
      lon: lastFix ? lastFix.coords.longitude : null,
      lat: lastFix ? lastFix.coords.latitude : null,
    });
    description.value = "";
    renderHazards();
    save(true);
  }

  function renderPhotos() {
    D.renderPhotos(form, draft.state.photos, "", function (id) {
      draft.state.photos = draft.state.photos.filter(function (p) { return p.id !== id; });
      renderPhotos();
      save(true);
    });
  }

  function addPhotos(input) {
    var files = Array.prototype.slice.call(input.files || []);
    Promise.all(files.map(function (file) { return D.fileRecord(file, ""); })).then(function (records) {
      draft.state.photos = draft.state.photos.concat(records);
      input.value = "";
      renderPhotos();
      save(true);
    }, function () { D.showErrors([labels.photo_unreadable]); });
  }

  // ------------------------------------------------------------------ submitting
  function payload() {
    var state = draft.state;
    return {
      fields: {
        client_uuid: draft.uuid,
        grid_id: config.grid_id,
        started_at: state.startedAt,
        finished_at: state.finishedAt || new Date().toISOString(),
        points: JSON.stringify(state.points),
        note: state.values.note || "",
        hazards: JSON.stringify(state.hazards),
      },
      files: state.photos.map(function (p, index) {
        return { field: "photo", name: p.name || "photo-" + (index + 1) + ".jpg", type: p.type, data: p.data };
      }),
    };
  }

  function onSubmit(event) {
    event.preventDefault();
    window.clearTimeout(saveTimer);
    if (!draft.state.points.length) { D.showErrors([labels.fix_errors, labels.need_point]); return; }
    D.showErrors([]);
    stopWalk();
    draft.state.values = D.serialize(form);
    draft.payload = payload();
    persisted = true;
    form.dataset.draftState = "queued";
    D.submit(draft).then(function (answer) {
      if (answer.outcome === "offline" || answer.outcome === "waiting") { D.showQueued(labels.queued); }
    });
  }

  function onOutcome(sent, answer) { D.applyOutcome(form, draft, sent, answer); }


  function start(found) {
    draft = found.draft;
    persisted = found.restored;
    D.setCurrent(draft.uuid);
    form.dataset.uuid = draft.uuid;
    if (found.restored) { D.restore(form, draft.state.values || {}); }
    renderHazards();
    renderPhotos();
    if (draft.state.running) { watch(); }
    showWalk();
    if (draft.status === "queued") { D.showQueued(labels.queued); }
    if (draft.status === "rejected") { D.showErrors([draft.error]); }
    form.dataset.draftState = found.restored ? "restored" : "new";
    form.addEventListener("input", function (event) {
      if (event.target.name === "note") { saveSoon(); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") { addPhotos(event.target); }
    });
    form.addEventListener("submit", onSubmit);
    document.getElementById("patrol-start").addEventListener("click", startWalk);
    document.getElementById("patrol-stop").addEventListener("click", stopWalk);
    document.getElementById("hazard-add").addEventListener("click", addHazard);
    D.onOutcome(onOutcome);
    D.init(draft.uuid);
  }

  D.draftFor(config, freshState).then(start);
})();

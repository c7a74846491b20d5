/* The public report page (群众举报): choose a category, set the point, pick photos.
   No inline scripts (CSP). The point is sent in the datum it was taken in: the phone's own
   position is WGS-84 (crs=wgs84); a tap on a GCJ-02 tile map (AMap/Tencent) is GCJ-02
   (crs=gcj02). The server converts and stores WGS-84. A random device id is kept in
   localStorage so rate limits count a phone, not a whole shared network. */
(function () {
  "use strict";

  var DEVICE_KEY = "firegrid.report.device";

  function deviceId() {
    var id = null;
    try { id = window.localStorage.getItem(DEVICE_KEY); } catch (e) { id = null; }
    if (!id) {
      if (window.crypto && window.crypto.randomUUID) {
        id = window.crypto.randomUUID();
      } else {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      }
      try { window.localStorage.setItem(DEVICE_KEY, id); } catch (e) { /* private mode: per page */ }
    }
    return id;
  }

  function initServices(form) {
    function sync() {
      var chosen = form.querySelector('input[name="service"]:checked');
      var code = chosen ? chosen.value : "";
      form.querySelectorAll(".service-attributes").forEach(function (box) {
        box.hidden = box.dataset.service !== code;
      });
      form.querySelectorAll(".service-option").forEach(function (label) {
        var input = label.querySelector("input");
        label.classList.toggle("chosen", !!input && input.checked);
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "service") { sync(); }
    });
    sync();
  }

  function initPhotos(form, labels) {
    var input = document.getElementById("id_photos");
    var count = document.getElementById("photo-count");
    if (!input) { return; }
    input.addEventListener("change", function () {
      var max = parseInt(input.dataset.max || "3", 10);
      var files = input.files ? Array.prototype.slice.call(input.files) : [];
      var note = "";
      if (files.length > max && window.DataTransfer) {
        var keep = new DataTransfer();
        files.slice(0, max).forEach(function (f) { keep.items.add(f); });
        input.files = keep.files;
        files = files.slice(0, max);
        note = " " + (labels.too_many || "").replace("%s", String(max));
      }
      if (count) {
        count.textContent = files.length ? (labels.photos || "").replace("%s", String(files.length)) + note : "";
      }
    });
  }

  function initMap(el, labels) {
    var maps = window.FireGridMaps;
    if (!maps || !window.L) { return; }
    var map = maps.baseMap(el, { tap: true });
    var picker = maps.pointPicker(el, map, {
      labels: labels,
      marker: function (latlng) {
        return L.circleMarker(latlng, {
          radius: 11, color: "#fff", weight: 3, fillColor: "#c92a2a", fillOpacity: 1,
          className: "report-marker",
        });
      },
    });
    var tileCrs = picker.tileCrs;
    var show = picker.show;

    var outlines = maps.readJson("report-outlines");
    var start = null;
    if (el.dataset.point) {
      var parts = el.dataset.point.split(",");
      var x = parseFloat(parts[0]);
      var y = parseFloat(parts[1]);
      var datum = parts[2] || "wgs84";
      if (!isNaN(x) && !isNaN(y)) {
        var wgs = datum === "gcj02" ? maps.gcjToWgs(x, y) : [x, y];
        start = maps.toMap(wgs, tileCrs);
      }
    }
    var layer = null;
    if (outlines && outlines.features && outlines.features.length) {
      layer = L.geoJSON(outlines, {
        coordsToLatLng: maps.coordsToLatLngFor(tileCrs),
        style: { color: "#c92a2a", weight: 2, fillOpacity: 0.04 },
        interactive: false,
      }).addTo(map);
    }
    if (start) {
      show(start, 16);
    } else if (layer && layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    }

    el.dataset.state = "ready";
  }

  // Before sending: are there open reports of the same kind nearby? Asked here, not by a
  // second round trip to the server, so the photos already chosen are not lost. The server
  // asks again when this check could not run (no JavaScript, no network).
  function initDuplicateCheck(form, labels) {
    var checked = false;
    var send = document.getElementById("send-report");

    function go(name, value) {
      if (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      checked = true;
      // One tap, one report: a second tap while the photos upload would send it twice.
      if (send) { send.disabled = true; }
      form.submit();
    }
    function button(text, className, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = text;
      b.addEventListener("click", onClick);
      return b;
    }
    function offer(results) {
      var old = document.getElementById("dup-check");
      if (old) { old.remove(); }
      var box = document.createElement("section");
      box.id = "dup-check";
      box.className = "card duplicates";
      box.setAttribute("role", "alert");
      var h = document.createElement("h2");
      h.textContent = labels.dup_title || "";
      var p = document.createElement("p");
      p.textContent = labels.dup_text || "";
      var list = document.createElement("ul");
      list.className = "duplicate-list";
      results.forEach(function (r) {
        var li = document.createElement("li");
        li.className = "duplicate";
        var code = document.createElement("span");
        code.className = "mono";
        code.textContent = r.tracking_code;
        li.appendChild(code);
        li.appendChild(document.createTextNode(" · " + r.service + " · " + r.requested_on + " · " + r.state));
        li.appendChild(button(labels.dup_follow || "", "big-button follow-button", function () {
          go("link_to", r.tracking_code);
        }));
        list.appendChild(li);
      });
      box.appendChild(h);
      box.appendChild(p);
      box.appendChild(list);
      box.appendChild(button(labels.dup_mine || "", "primary big-button", function () {
        go("confirm", "1");
      }));
      box.querySelector("button.primary").id = "dup-send-mine";
      form.insertBefore(box, send);
      box.scrollIntoView({ block: "start" });
    }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (checked || (submitter && submitter.name)) {
        window.setTimeout(function () { if (send) { send.disabled = true; } }, 0);
        return;
      }
      var service = form.querySelector('input[name="service"]:checked');
      var lon = document.getElementById("id_lon");
      var lat = document.getElementById("id_lat");
      var crs = document.getElementById("id_crs");
      var point = lon && lon.value && lat.value ? [lon.value, lat.value, crs ? crs.value : "wgs84"] : null;
      var mapEl = document.getElementById("report-map");
      if (!point && mapEl && mapEl.dataset.point) {
        point = mapEl.dataset.point.split(",");  // the placard's place, where it stands
      }
      if (!service || !point || !form.dataset.duplicatesUrl || !window.fetch) { return; }
      event.preventDefault();
      var query = new URLSearchParams({
        service: service.value, lon: point[0], lat: point[1], crs: point[2] || "wgs84",
      });
      fetch(form.dataset.duplicatesUrl + "?" + query.toString(), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (data.results && data.results.length) { offer(data.results); } else { go(); }
      }).catch(function () { go(); });
    });
  }

  // Staff: the report's point on a small map.
  function initPointMap(el) {
    var maps = window.FireGridMaps;
    if (!maps || !window.L) { return; }
    var point = maps.readJson(el.dataset.pointSource);
    if (!point) { return; }
    var map = maps.baseMap(el, { scrollWheelZoom: false });
    var ll = maps.toMap([point.lon, point.lat], el.dataset.tileCrs);
    L.circleMarker(ll, {
      radius: 10, color: "#fff", weight: 3, fillColor: "#c92a2a", fillOpacity: 1,
    }).addTo(map);
    map.setView(ll, 16);
    el.dataset.state = "ready";
  }

  // Staff: drag a box over a photo to fill the redaction form (percent of width and height).
  function initRedactBox(form) {
    var box = form.querySelector(".redact-box");
    var img = box && box.querySelector("img");
    var mark = box && box.querySelector(".redact-mark");
    if (!img || !mark) { return; }
    var start = null;

    function percent(event) {
      var r = img.getBoundingClientRect();
      var x = Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1) * 100;
      var y = Math.min(Math.max((event.clientY - r.top) / r.height, 0), 1) * 100;
      return [x, y];
    }
    function draw(a, b) {
      var x0 = Math.min(a[0], b[0]), x1 = Math.max(a[0], b[0]);
      var y0 = Math.min(a[1], b[1]), y1 = Math.max(a[1], b[1]);
      mark.style.left = x0 + "%";
      mark.style.top = y0 + "%";
      mark.style.width = (x1 - x0) + "%";
      mark.style.height = (y1 - y0) + "%";
      mark.hidden = false;
      [["x0", x0], ["y0", y0], ["x1", x1], ["y1", y1]].forEach(function (pair) {
        var input = form.querySelector('input[name="' + pair[0] + '"]');
        if (input) { input.value = pair[1].toFixed(1); }
      });
    }
    img.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      start = percent(event);
      img.setPointerCapture(event.pointerId);
    });
    img.addEventListener("pointermove", function (event) {
      if (start) { draw(start, percent(event)); }
    });
    img.addEventListener("pointerup", function (event) {
      if (start) { draw(start, percent(event)); }
      start = null;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pointMap = document.getElementById("report-point-map");
    if (pointMap) { initPointMap(pointMap); }
    Array.prototype.forEach.call(document.querySelectorAll(".redact-form"), initRedactBox);
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var labels = (window.FireGridMaps && window.FireGridMaps.readJson("report-labels")) || {};
    var device = form.querySelector('input[name="device_id"]');
    if (device && !device.value) { device.value = deviceId(); }
    initServices(form);
    initPhotos(form, labels);
    initDuplicateCheck(form, labels);
    var el = document.getElementById("report-map");
    if (el) {
      try { initMap(el, labels); } catch (error) {
        el.dataset.state = "error";
        if (window.console) { console.error("FireGrid report map:", error); }
      }
    }
  });
})();

/* Registry maps (底数清): the place map with clustered markers, the point picker of the place
   form ("use my location" or tap the map) and the small maps of detail pages.

   Points from the server are WGS-84. With GCJ-02 tiles (AMap, Tencent) they are shifted to
   GCJ-02 for display, and a point tapped on such a map is sent back as `crs=gcj02` for the
   server to convert. The browser's geolocation is WGS-84 and is sent as `crs=wgs84`.
   No inline scripts (CSP): labels come from the #registry-labels JSON block. */
(function () {
  "use strict";

  // Shared map helpers live in mapbase.js (loaded first by every page that loads this file).
  var maps = window.FireGridMaps;
  var toMap = maps.toMap;
  var coordsToLatLngFor = maps.coordsToLatLngFor;
  var readJson = maps.readJson;
  var baseMap = maps.baseMap;
  var fetchJson = maps.fetchJson;
  var labels = {};

  function gridLayer(collection, tileCrs) {
    return L.geoJSON(collection, {
      style: function (f) {
        var color = (f.properties && f.properties.color) || "#d9480f";
        return { color: color, weight: 2, fillColor: color, fillOpacity: 0.06, interactive: false };
      },
      coordsToLatLng: coordsToLatLngFor(tileCrs),
    });
  }

  function placeIcon(p) {
    return L.divIcon({
      className: "place-marker risk-" + (p.risk || "low") + (p.key_unit ? " key-unit" : ""),
      html: p.key_unit ? "★" : "",
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -8],
    });
  }

  function popupContent(p, detailUrl) {
    var box = document.createElement("div");
    box.className = "place-popup";
    var title = document.createElement("strong");
    title.textContent = p.name;
    box.appendChild(title);
    var dl = document.createElement("dl");
    [[labels.type, p.type], [labels.risk, p.risk_label], [labels.grid, p.grid_name]].forEach(function (pair) {
      var dt = document.createElement("dt");
      dt.textContent = pair[0] || "";
      var dd = document.createElement("dd");
      dd.textContent = pair[1] || "—";
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    if (p.key_unit) {
      var dt = document.createElement("dt");
      dt.textContent = labels.key_unit || "";
      var dd = document.createElement("dd");
      dd.textContent = "★";
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    box.appendChild(dl);
    var a = document.createElement("a");
    a.href = detailUrl.replace(/\/0\/$/, "/" + p.id + "/");
    a.textContent = labels.details || "→";
    a.className = "popup-detail";
    box.appendChild(a);
    return box;
  }

  // ---------------------------------------------------------------- the place map
  function initPlaceMap(el) {
    var tileCrs = el.dataset.tileCrs;
    var map = baseMap(el, { maxZoom: 19 });
    var grids = L.featureGroup().addTo(map);
    var clusters = L.markerClusterGroup({ maxClusterRadius: 50, showCoverageOnHover: false, chunkedLoading: true });
    map.addLayer(clusters);
    var form = document.getElementById("place-filters");
    var count = document.getElementById("place-count");
    var cap = document.getElementById("place-cap");
    var errorBox = document.getElementById("map-error");
    var listLink = document.getElementById("list-link");
    var markers = {};
    var params = new URLSearchParams(window.location.search);
    var focus = params.get("focus");
    var gridsLoaded = false;

    function failed(error) {
      el.dataset.state = "error";
      if (errorBox) { errorBox.hidden = false; }
      if (window.console) { console.error("FireGrid registry map:", error); }
    }
    function query() {
      var data = form ? new URLSearchParams(new FormData(form)) : new URLSearchParams();
      Array.from(data.keys()).forEach(function (key) { if (!data.get(key)) { data.delete(key); } });
      return data.toString();
    }
    function openFocus() {
      var marker = focus && markers[focus];
      if (!marker) { return; }
      map.setView(marker.getLatLng(), 16, { animate: false });
      clusters.zoomToShowLayer(marker, function () {
        marker.openPopup();
        el.dataset.focused = focus;
      });
    }
    function load() {
      el.dataset.state = "loading";
      var qs = query();
      var url = el.dataset.placesUrl + (qs ? "?" + qs : "");
      if (listLink) { listLink.href = el.dataset.listUrl + (qs ? "?" + qs : ""); }
      return fetchJson(url).then(function (collection) {
        clusters.clearLayers();
        markers = {};
        var layers = collection.features.map(function (f) {
          var p = f.properties;
          var marker = L.marker(toMap(f.geometry.coordinates, tileCrs), {
            icon: placeIcon(p),
            title: p.name,
            alt: p.name,
          });
          marker.bindPopup(function () { return popupContent(p, el.dataset.detailUrl); });
          markers[String(p.id)] = marker;
          return marker;
        });
        clusters.addLayers(layers);
        var n = collection.features.length;
        if (count) { count.textContent = n ? (labels.count || "%s").replace("%s", String(n)) : (labels.none || ""); }
        if (cap) {
          cap.hidden = !collection.capped;
          cap.textContent = collection.message || "";
        }
        if (n && !focus) {
          var bounds = clusters.getBounds();
          if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
        } else if (!n && gridsLoaded && grids.getBounds().isValid()) {
          map.fitBounds(grids.getBounds(), { padding: [16, 16] });
        }
        el.dataset.placeCount = String(n);
        el.dataset.state = "ready";
        openFocus();
      }).catch(failed);
    }

    // The viewer's grids: their scope roots, and with a single root its children too.
    fetchJson(el.dataset.gridsUrl).then(function (collection) {
      gridLayer(collection, tileCrs).addTo(grids);
      gridsLoaded = true;
      if (collection.features.length !== 1) { return null; }
      var url = el.dataset.gridsUrl + "?parent=" + encodeURIComponent(collection.features[0].properties.id);
      return fetchJson(url).then(function (children) {
        gridLayer(children, tileCrs).setStyle({ weight: 1, fillOpacity: 0 }).addTo(grids);
      });
    }).catch(failed).then(load);

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var qs = query();
        window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
        focus = null;
        load();
      });
      form.addEventListener("change", function () { form.requestSubmit(); });
    }
  }

  // ---------------------------------------------------------------- the point picker
  function initPicker(el) {
    var map = baseMap(el);
    var picker = maps.pointPicker(el, map, {
      labels: labels,
      marker: function (latlng) {
        return L.marker(latlng, { icon: placeIcon({ risk: "new" }), title: "" });
      },
    });
    var tileCrs = picker.tileCrs;
    var show = picker.show;

    var start = picker.formLatLng();
    fetchJson(el.dataset.gridsUrl).then(function (collection) {
      var layer = gridLayer(collection, tileCrs).addTo(map);
      if (!start && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
      el.dataset.state = "ready";
    }).catch(function (error) {
      el.dataset.state = "error";
      if (window.console) { console.error("FireGrid picker:", error); }
    });
    if (start) { show(start, 16); }
  }

  // ---------------------------------------------------------------- small point maps
  function initPointMap(el) {
    var data = readJson(el.dataset.mapSource);
    if (!data || !data.point) { return; }
    var map = baseMap(el, { scrollWheelZoom: false });
    var ll = toMap(data.point, el.dataset.tileCrs);
    // The grid's outline gives the dot a place on a map without tiles (intranets often have none).
    var outline = data.grid ? L.geoJSON(data.grid, {
      coordsToLatLng: coordsToLatLngFor(el.dataset.tileCrs),
      interactive: false,
      style: { color: "#d9480f", weight: 2, fillOpacity: 0.05 },
    }).addTo(map) : null;
    L.marker(ll, { icon: placeIcon({ risk: data.risk || "low" }) }).addTo(map);
    if (outline) {
      map.fitBounds(outline.getBounds().extend(ll), { padding: [12, 12], maxZoom: 17 });
    } else {
      map.setView(ll, 16);
    }
    el.dataset.state = "ready";
  }

  // ---------------------------------------------------------------- line editors (formsets)
  // "Add a line" clones the formset's empty form; without JavaScript the blank lines suffice.
  function initLineEditor(form) {
    var prefix = form.dataset.lineEditor;
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = form.querySelector("template[data-empty-line]");
    var button = form.querySelector("[data-add-line]");
    var lines = form.querySelector("[data-lines]");
    if (!total || !template || !button || !lines) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      lines.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = lines.lastElementChild && lines.lastElementChild.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-line-editor]").forEach(initLineEditor);
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    labels = readJson("registry-labels") || {};
    // Filters start folded on a phone (the map matters more there) and open on a wide screen.
    var filters = document.getElementById("map-filters");
    if (filters && window.matchMedia && window.matchMedia("(min-width: 760px)").matches) {
      filters.open = true;
    }
    var main = document.getElementById("place-map");
    if (main && L.markerClusterGroup) { initPlaceMap(main); }
    var picker = document.getElementById("picker-map");
    if (picker) { initPicker(picker); }
    document.querySelectorAll("[data-place-point]").forEach(initPointMap);
  });
})();

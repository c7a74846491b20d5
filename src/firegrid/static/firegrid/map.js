/* Grid maps drawn with Leaflet from GeoJSON (WGS-84). Tiles are optional: with no tile URL the
   polygons draw on a plain background. With GCJ-02 tiles (AMap, Tencent) polygons are shifted to
   GCJ-02 so they line up with the tiles. */
(function () {
  "use strict";

  // Shared map helpers live in mapbase.js (loaded first by every page that loads this file).
  var maps = window.FireGridMaps;
  var coordsToLatLngFor = maps.coordsToLatLngFor;
  var readJson = maps.readJson;
  var baseMap = maps.baseMap;
  var fetchJson = maps.fetchJson;




  function style(feature, isFocus) {
    var color = (feature.properties && feature.properties.color) || "#d9480f";
    if (isFocus) {
      return { color: color, weight: 3, dashArray: "6 4", fillColor: color, fillOpacity: 0.04 };
    }
    return { color: color, weight: 2, fillColor: color, fillOpacity: 0.28 };
  }

  // A level's name in the page's language: an English page shows `level_name_en` when the level
  // has one, anything else the Chinese `level`.
  function levelName(p) {
    var lang = (document.documentElement.lang || "").toLowerCase();
    if (lang.indexOf("en") === 0 && p.level_name_en) { return p.level_name_en; }
    return p.level || undefined;
  }

  function popupContent(p, labels, detailUrl) {
    var box = document.createElement("div");
    box.className = "grid-popup";
    var title = document.createElement("strong");
    title.textContent = p.name;
    box.appendChild(title);
    var dl = document.createElement("dl");
    [[labels.code, p.code], [labels.level, levelName(p)], [labels.households, p.households]].forEach(
      function (pair) {
        if (pair[1] === undefined) { return; }
        var dt = document.createElement("dt");
        dt.textContent = pair[0] || "";
        var dd = document.createElement("dd");
        dd.textContent = pair[1] === null ? "—" : String(pair[1]);
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
    box.appendChild(dl);
    if (detailUrl && p.id !== undefined) {
      var a = document.createElement("a");
      a.href = detailUrl.replace(/\/0\/$/, "/" + p.id + "/");
      a.textContent = labels.details || "→";
      box.appendChild(a);
    }
    return box;
  }

  function fitTo(map, layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); }
  }


  /* The main map: roots of the viewer's scope; clicking a polygon drills into its children. */
  function initMainMap(el) {
    var labels = readJson("map-labels") || {};
    var map = baseMap(el);
    var toLatLng = coordsToLatLngFor(el.dataset.tileCrs);
    var layer = L.featureGroup().addTo(map);
    var upButton = document.getElementById("map-up");
    var title = document.getElementById("map-title");
    var errorBox = document.getElementById("map-error");
    var stack = [];
    var current = null; // {focus: Feature|null, collection: FeatureCollection}

    function childrenUrl(id) {
      var url = el.dataset.geojsonUrl;
      return url + (url.indexOf("?") < 0 ? "?" : "&") + "parent=" + encodeURIComponent(id);
    }
    function failed(error) {
      el.dataset.state = "error";
      if (errorBox) { errorBox.hidden = false; }
      if (window.console) { console.error("FireGrid map:", error); }
    }
    function bind(isFocus) {
      return function (feature, lyr) {
        lyr.on("click", function (event) {
          L.popup()
            .setLatLng(event.latlng)
            .setContent(popupContent(feature.properties, labels, el.dataset.detailUrl))
            .openOn(map);
          if (!isFocus) { drill(feature, false); }
        });
      };
    }
    function draw(view) {
      current = view;
      layer.clearLayers();
      if (view.focus) {
        L.geoJSON(view.focus, {
          style: function (f) { return style(f, true); },
          coordsToLatLng: toLatLng,
          onEachFeature: bind(true),
        }).addTo(layer);
      }
      L.geoJSON(view.collection, {
        style: function (f) { return style(f, false); },
        coordsToLatLng: toLatLng,
        onEachFeature: bind(false),
      }).addTo(layer);
      fitTo(map, layer);
      el.dataset.featureCount = String(view.collection.features.length + (view.focus ? 1 : 0));
      el.dataset.focus = view.focus ? String(view.focus.properties.id) : "";
      el.dataset.state = "ready";
      if (upButton) { upButton.hidden = stack.length === 0; }
      if (title) { title.textContent = view.focus ? view.focus.properties.name : (labels.all || ""); }
    }
    // Show the children of `feature`; a grid without children is shown alone when asked to.
    function drill(feature, showLeaf) {
      el.dataset.state = "loading";
      return fetchJson(childrenUrl(feature.properties.id)).then(function (collection) {
        if (!collection.features.length && !showLeaf) {
          el.dataset.state = "ready";
          return;
        }
        if (current) { stack.push(current); }
        draw({ focus: feature, collection: collection });
      }).catch(failed);
    }

    if (upButton) {
      upButton.addEventListener("click", function () {
        if (stack.length) { map.closePopup(); draw(stack.pop()); }
      });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-drill]");
      if (!button) { return; }
      var url = el.dataset.gridGeojsonUrl.replace(/\/0\/geojson$/, "/" + button.dataset.drill + "/geojson");
      fetchJson(url).then(function (collection) {
        if (collection.features.length) {
          map.closePopup();
          drill(collection.features[0], true);
          el.scrollIntoView({ behavior: "smooth", block: "nearest" });
        }
      }).catch(failed);
    });

    fetchJson(el.dataset.geojsonUrl).then(function (roots) {
      draw({ focus: null, collection: roots });
      // One root (a street office, a community): open it straight away.
      if (roots.features.length === 1) { drill(roots.features[0], false); }
    }).catch(failed);
  }

  /* Small static maps (detail page, public board, import preview) from a json_script block. */
  function initStaticMap(el) {
    var data = readJson(el.dataset.mapSource);
    if (!data) { return; }
    var map = baseMap(el);
    var toLatLng = coordsToLatLngFor(el.dataset.tileCrs);
    var labels = readJson("map-labels") || {};
    var layer = L.featureGroup().addTo(map);
    var collections = data.type === "FeatureCollection" ? [[data, false]] : [];
    var hasChildren = !!(data.children && data.children.features.length);
    if (hasChildren) { collections.push([data.children, false]); }
    if (data.focus) { collections.push([data.focus, true]); }
    // A nested collection (import preview): fill the deepest level, outline the ones above.
    var deepest = 0;
    if (data.type === "FeatureCollection") {
      data.features.forEach(function (f) { deepest = Math.max(deepest, f.properties.depth || 0); });
    }
    var count = 0;
    collections.forEach(function (pair) {
      L.geoJSON(pair[0], {
        style: function (f) {
          if (pair[1]) { return style(f, hasChildren); }
          var outline = (f.properties.depth || 0) < deepest;
          return outline ? { color: f.properties.color, weight: 3, fillOpacity: 0 } : style(f, false);
        },
        coordsToLatLng: toLatLng,
        onEachFeature: function (feature, lyr) {
          count += 1;
          lyr.bindPopup(function () {
            return popupContent(feature.properties, labels, pair[1] ? "" : el.dataset.detailUrl);
          });
        },
      }).addTo(layer);
    });
    fitTo(map, layer);
    el.dataset.featureCount = String(count);
    el.dataset.state = "ready";
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    var main = document.getElementById("grid-map");
    if (main) { initMainMap(main); }
    document.querySelectorAll("[data-map-source]").forEach(initStaticMap);
  });
})();

/* What every FireGrid map shares, loaded before map.js (grids) and registry.js (registry):
   datum conversion WGS-84 ↔ GCJ-02, the base map (tiles optional), JSON reading and fetching.
   Points and boundaries from the server are WGS-84; AMap/Tencent tiles are GCJ-02, so drawings
   are shifted to line up with such tiles. */
(function () {
  "use strict";

  // ---------------------------------------------------------------- datum conversion
  // WGS-84 → GCJ-02 (the published "Mars coordinates" formula, as in map.js).
  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  function outOfChina(lon, lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgsToGcj(lon, lat) {
    if (outOfChina(lon, lat)) { return [lon, lat]; }
    var dLat = tLat(lon - 105.0, lat - 35.0);
    var dLon = tLon(lon - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * Math.PI;
    var magic = Math.sin(radLat);
    magic = 1 - EE * magic * magic;
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  // GCJ-02 → WGS-84 by iteration (only to draw a typed GCJ-02 point on a WGS-84 map).
  function gcjToWgs(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 6; i += 1) {
      var g = wgsToGcj(w[0], w[1]);
      w = [w[0] - (g[0] - lon), w[1] - (g[1] - lat)];
    }
    return w;
  }

  // A WGS-84 [lon, lat] as a Leaflet LatLng on a map whose tiles are in `tileCrs`.
  function toMap(lonlat, tileCrs) {
    var p = tileCrs === "gcj02" ? wgsToGcj(lonlat[0], lonlat[1]) : lonlat;
    return L.latLng(p[1], p[0]);
  }
  function coordsToLatLngFor(tileCrs) {
    return function (c) { return toMap([c[0], c[1]], tileCrs); };
  }

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // A Leaflet map on `el`; tiles only when the page names a tile URL (intranets often have none).
  function baseMap(el, options) {
    var hasTiles = !!el.dataset.tileUrl;
    var map = L.map(el, Object.assign({ attributionControl: hasTiles, zoomSnap: 0.25 }, options || {}));
    if (hasTiles) {
      L.tileLayer(el.dataset.tileUrl, {
        attribution: el.dataset.tileAttribution || "",
        maxZoom: 19,
      }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    map.setView([35.0, 105.0], 4);
    return map;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  // The point picker of a form with #id_lon, #id_lat, #id_crs, #point-status and #use-location:
  // a tap on the map sends the tiles' datum (gcj02 or wgs84), "use my location" sends the
  // browser's WGS-84 fix. `options.marker(latlng)` makes the marker; `options.labels` holds
  // picked, locating, located (with %s for the accuracy in m), geo_missing, geo_denied.
  function pointPicker(el, map, options) {
    var tileCrs = el.dataset.tileCrs === "gcj02" ? "gcj02" : "wgs84";
    var labels = options.labels || {};
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var crs = document.getElementById("id_crs");
    var status = document.getElementById("point-status");
    var button = document.getElementById("use-location");
    var marker = null;

    function say(text, isError) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("field-error", !!isError);
    }
    function show(latlng, zoom) {
      if (marker) { marker.setLatLng(latlng); } else { marker = options.marker(latlng).addTo(map); }
      map.setView(latlng, Math.max(map.getZoom(), zoom || 16));
      el.dataset.hasPoint = "1";
    }
    function set(x, y, datum) {
      lon.value = x.toFixed(7);
      lat.value = y.toFixed(7);
      if (crs) { crs.value = datum; }
    }
    // The point in the form (in its crs) as a LatLng on this map, or null.
    function formLatLng() {
      var x = parseFloat(lon.value);
      var y = parseFloat(lat.value);
      if (isNaN(x) || isNaN(y)) { return null; }
      var wgs = crs && crs.value === "gcj02" ? gcjToWgs(x, y) : [x, y];
      return toMap(wgs, tileCrs);
    }

    map.on("click", function (event) {
      set(event.latlng.lng, event.latlng.lat, tileCrs);  // the datum of the tiles under the finger
      show(event.latlng);
      say(labels.picked || "");
      el.dataset.picked = "1";
    });
    [lon, lat, crs].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        var ll = formLatLng();
        if (ll) { show(ll); }
      });
    });
    if (button) {
      button.addEventListener("click", function () {
        if (!navigator.geolocation) { say(labels.geo_missing || "", true); return; }
        say(labels.locating || "");
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (position) {
          button.disabled = false;
          var c = position.coords;
          set(c.longitude, c.latitude, "wgs84");
          show(toMap([c.longitude, c.latitude], tileCrs), 17);
          say((labels.located || "").replace("%s", String(Math.round(c.accuracy || 0))));
          el.dataset.located = "1";
        }, function () {
          button.disabled = false;
          say(labels.geo_denied || "", true);
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    return { show: show, formLatLng: formLatLng, tileCrs: tileCrs };
  }

  window.FireGridMaps = {
    wgsToGcj: wgsToGcj,
    gcjToWgs: gcjToWgs,
    toMap: toMap,
    coordsToLatLngFor: coordsToLatLngFor,
    readJson: readJson,
    baseMap: baseMap,
    fetchJson: fetchJson,
    pointPicker: pointPicker,
  };
})();

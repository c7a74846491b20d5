/* The hazard map: the filtered hazards as circle markers coloured by severity (grey when closed),
   a popup with state, next deadline and responsible level, fitted to what was found. */
(function () {
  "use strict";

  function text(s) {
    var div = document.createElement("div");
    div.textContent = s == null ? "" : String(s);
    return div.innerHTML;
  }

  function start() {
    var el = document.getElementById("hazard-map");
    if (!el || !window.L || !window.FireGridMaps) { return; }
    var maps = window.FireGridMaps;
    var labels = maps.readJson("hazard-labels") || {};
    var tileCrs = el.dataset.tileCrs || "wgs84";
    var map = maps.baseMap(el);
    var count = document.getElementById("hazard-count");
    maps.fetchJson(el.dataset.url).then(function (data) {
      var layer = L.featureGroup();
      data.features.forEach(function (f) {
        var p = f.properties;
        var marker = L.circleMarker(maps.toMap(f.geometry.coordinates, tileCrs), {
          radius: p.open ? 8 : 6, color: p.overdue ? "#000" : "#fff", weight: p.overdue ? 3 : 2,
          fillColor: p.color, fillOpacity: 0.9,
        });
        var html = "<strong>#" + text(p.id) + " " + text(p.category) + "</strong><br>" +
          text(p.place) + "<br>" + text(p.state_label) + " · " + text(p.severity_label);
        if (p.open) {
          html += "<br>" + text(labels.next_due) + ": " + text(p.next_due || "—") +
            "<br>" + text(labels.level) + ": " + text(p.responsible_level);
        }
        html += '<br><a href="' + text(p.url) + '">' + text(labels.open) + "</a>";
        marker.bindPopup(html);
        marker.feature = f;
        layer.addLayer(marker);
      });
      layer.addTo(map);
      if (data.features.length) {
        map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
      }
      if (count) {
        count.textContent = data.features.length
          ? (labels.count || "%s").replace("%s", data.total) + (data.capped ? " " + (labels.capped || "") : "")
          : labels.none || "";
      }
      el.dataset.state = "ready";
      el.dataset.count = String(data.features.length);
    }).catch(function () {
      el.dataset.state = "error";
      var err = document.getElementById("map-error");
      if (err) { err.hidden = false; }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

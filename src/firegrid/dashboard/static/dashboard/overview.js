/* The overview dashboard: ECharts line (trend) and bar (units) charts, and a Leaflet choropleth of
   the child units by the chosen metric. Data arrives in <script type="application/json"
   id="overview-data"> (json_script); the numbers of every chart are also tables on the page, so
   the page reads fine without this script. */
(function () {
  "use strict";

  var STATUS_COLORS = { green: "#2b8a3e", amber: "#e67700", red: "#c92a2a" };
  // Light → dark; the darkest step is the "worst" value (lowest when higher is better).
  var SCALE = ["#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"];

  function readData() {
    var el = document.getElementById("overview-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function dark() {
    return document.body.classList.contains("ov-screen");
  }

  function formatValue(value, unit) {
    return value === null || value === undefined ? "—" : String(value) + (unit ? " " + unit : "");
  }

  function initChart(el, option) {
    if (!el || !window.echarts) { return null; }
    var chart = window.echarts.init(el, dark() ? "dark" : null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.state = "ready";
    return chart;
  }

  function trendChart(data) {
    var unit = data.unit;
    return initChart(document.getElementById("ov-trend-chart"), {
      backgroundColor: "transparent",
      tooltip: { trigger: "axis", valueFormatter: function (v) { return formatValue(v, unit); } },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: { type: "value", axisLabel: { formatter: unit ? "{value}" + unit : "{value}" },
               max: unit === "%" ? 100 : null, min: 0 },
      series: [{ name: data.metric, type: "line", data: data.trend.values, connectNulls: false,
                 symbolSize: 8, lineStyle: { width: 3 }, itemStyle: { color: "#c92a2a" } }],
    });
  }

  function barChart(data) {
    var children = data.children || [];
    if (!children.length) { return null; }
    var chart = initChart(document.getElementById("ov-children-chart"), {
      backgroundColor: "transparent",
      tooltip: { trigger: "axis", valueFormatter: function (v) { return formatValue(v, data.unit); } },
      grid: { left: 48, right: 16, top: 24, bottom: 64 },
      xAxis: { type: "category", data: children.map(function (c) { return c.name; }),
               axisLabel: { interval: 0, rotate: children.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: data.unit === "%" ? 100 : null },
      series: [{
        name: data.metric, type: "bar",
        data: children.map(function (c) {
          return { value: c.value, itemStyle: { color: STATUS_COLORS[c.status] || "#1864ab" } };
        }),
      }],
    });
    if (chart) {
      chart.on("click", function (params) {
        var child = children[params.dataIndex];
        if (child && child.url) { window.location.href = child.url; }
      });
    }
    return chart;
  }

  // The colour of a value among the children's values (5 steps; "worse" is darker).
  function colorFor(value, min, max, higherIsBetter) {
    if (value === null || value === undefined) { return "#adb5bd"; }
    var t = max > min ? (value - min) / (max - min) : 0.5;
    if (higherIsBetter) { t = 1 - t; }
    return SCALE[Math.min(SCALE.length - 1, Math.floor(t * SCALE.length))];
  }

  function choropleth(data) {
    var el = document.getElementById("ov-map");
    var maps = window.FireGridMaps;
    if (!el || !maps || !window.L) { return; }
    var byId = {};
    var values = [];
    (data.children || []).forEach(function (c) {
      byId[c.id] = c;
      if (c.value !== null && c.value !== undefined) { values.push(c.value); }
    });
    var min = values.length ? Math.min.apply(null, values) : 0;
    var max = values.length ? Math.max.apply(null, values) : 0;
    var map = maps.baseMap(el);
    var toLatLng = maps.coordsToLatLngFor(el.dataset.tileCrs);
    maps.fetchJson(el.dataset.geojsonUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        coordsToLatLng: toLatLng,
        style: function (feature) {
          var child = byId[feature.properties.id];
          return { color: "#495057", weight: 1.5, fillOpacity: 0.75,
                   fillColor: colorFor(child ? child.value : null, min, max, data.higher_is_better) };
        },
        onEachFeature: function (feature, featureLayer) {
          var child = byId[feature.properties.id];
          var box = document.createElement("div");
          var title = document.createElement(child ? "a" : "strong");
          title.textContent = feature.properties.name;
          if (child) { title.href = child.url; }
          box.appendChild(title);
          var line = document.createElement("div");
          line.textContent = data.metric + ": " + (child ? child.text : "—");
          box.appendChild(line);
          featureLayer.bindPopup(box);
          featureLayer.bindTooltip(feature.properties.name + " · " + (child ? child.text : "—"));
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
      el.dataset.state = "ready";
    }).catch(function () {
      var error = document.getElementById("ov-map-error");
      if (error) { error.hidden = false; }
      el.dataset.state = "error";
    });
  }

  // The period form: the month field for month/quarter/year, the two days for a custom period.
  function periodFields() {
    var kind = document.getElementById("ov-period");
    if (!kind) { return; }
    function sync() {
      var custom = kind.value === "custom";
      ["ov-start", "ov-end"].forEach(function (id) {
        var input = document.getElementById(id);
        if (input) { input.disabled = !custom; }
      });
      var month = document.getElementById("ov-month");
      if (month) { month.disabled = custom; }
    }
    kind.addEventListener("change", sync);
    sync();
  }

  function start() {
    periodFields();
    var data = readData();
    if (!data) { return; }
    trendChart(data);
    barChart(data);
    choropleth(data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

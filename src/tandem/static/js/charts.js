// Charts drawn with the vendored Apache ECharts from data the page carries in a data-chart
// attribute (JSON): no inline script, as the Content-Security-Policy requires. The numbers of
// every chart are also in a table beside it, so the page reads without this file.
//
// data-chart = {"type": "bar" | "line", "categories": [...], "yName": "...", "unit": "%",
//               "series": [{"name", "color", "data": [...], "stack"?, "area"?, "dashed"?}]}
(function () {
  "use strict";
  var charts = [];

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function formatValue(unit) {
    return function (value) {
      if (value === null || value === undefined || value === "-") { return "—"; }
      return (Math.round(Number(value) * 10) / 10).toLocaleString() + (unit ? " " + unit : "");
    };
  }

  function seriesOption(spec, item) {
    var option = {
      name: item.name,
      type: spec.type,
      data: item.data,
      itemStyle: { color: item.color },
      emphasis: { focus: "series" }
    };
    if (item.stack) { option.stack = item.stack; }
    if (spec.type === "line") {
      option.lineStyle = { color: item.color, width: 2, type: item.dashed ? "dashed" : "solid" };
      option.showSymbol = spec.categories.length <= 20;
      if (item.area) { option.areaStyle = { opacity: 0.25 }; }
    } else {
      option.barMaxWidth = 48;
    }
    return option;
  }

  function options(spec) {
    var many = spec.categories.length > 8;
    return {
      animation: false,
      color: spec.series.map(function (s) { return s.color; }),
      // Tooltips drawn on the canvas, not as HTML (inline styles would break the CSP).
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: formatValue(spec.unit) },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: many ? 8 : 16, containLabel: true },
      xAxis: {
        type: "category",
        data: spec.categories,
        axisLabel: { interval: 0, rotate: many ? 40 : 0, hideOverlap: true, width: 140, overflow: "truncate" }
      },
      yAxis: { type: "value", name: spec.yName || "", min: 0, nameTextStyle: { align: "left" } },
      series: spec.series.map(function (item) { return seriesOption(spec, item); })
    };
  }

  function draw(root) {
    if (typeof window.echarts === "undefined") { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-chart-ready")) { return; }
      var spec;
      try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      if (!spec || !spec.categories || !spec.categories.length) {
        el.classList.add("chart-empty");
        return;
      }
      var chart = window.echarts.init(el, null, { locale: locale(), renderer: "canvas" });
      chart.setOption(options(spec));
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

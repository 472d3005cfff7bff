/* cvd's staff pages: the charts, drawn with uPlot (served beside this file).  The pair
 * page's chart reads GET /api/v1/series for its view; the clock page's charts read the data
 * embedded in the page.  Each chart, once drawn, says so in data-drawn and gives the number
 * of measured points it shows in data-points. */
"use strict";
(function () {
  var BAND = "rgba(230, 120, 20, 0.18)";

  function embedded(id) {
    var e = document.getElementById(id);
    return e ? JSON.parse(e.textContent) : null;
  }

  function width(el) {
    return Math.max(320, Math.min(1100, el.clientWidth || 900));
  }

  function utc(ts) {
    return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
  }

  /* Times in UTC, 24 h: HH:MM, and the date where a day starts or ticks are days apart. */
  function timeTicks(u, splits, ai, space, incr) {
    return splits.map(function (s) {
      var iso = new Date(s * 1000).toISOString();
      if (incr >= 86400) return iso.slice(0, 10);
      return iso.slice(11, 16) === "00:00" ? iso.slice(0, 10) : iso.slice(11, 16);
    });
  }

  function timeValue(u, v) {
    return v === null || v === undefined ? "-" : new Date(v * 1000).toISOString().slice(0, 19) + "Z";
  }

  function plot(el, series, data, axes, scales) {
    el.textContent = "";
    var opts = {
      title: el.dataset.title,
      width: width(el),
      height: 320,
      tzDate: utc,
      series: [{ label: "UTC", value: timeValue }].concat(series),
      axes: [Object.assign({ values: timeTicks, label: "UTC" }, axes[0])].concat(axes.slice(1)),
      scales: scales || { x: { time: true } },
      legend: { live: true }
    };
    var bands = [];
    series.forEach(function (s, i) {
      if (s.bandWith) bands.push({ series: [i + 1, s.bandWith], fill: BAND });
    });
    if (bands.length) opts.bands = bands;
    var u = new uPlot(opts, data, el);
    window.addEventListener("resize", function () {
      u.setSize({ width: width(el), height: 320 });
    });
    return u;
  }

  /* Measurements [t, v] and predictions [t, x, sigma] on one time axis (s): columns
   * measured, prediction, band low, band high. */
  function merge(meas, pred, extra) {
    var m = new Map();
    function row(t) {
      var r = m.get(t);
      if (!r) {
        r = [null, null, null, null, null];
        m.set(t, r);
      }
      return r;
    }
    meas.forEach(function (p) {
      var r = row(p[0]);
      r[0] = p[1];
      if (extra) r[4] = p[2];
    });
    pred.forEach(function (p) {
      var r = row(p[0]);
      r[1] = p[1];
      r[2] = p[1] - 1.96 * p[2];
      r[3] = p[1] + 1.96 * p[2];
    });
    var ts = Array.from(m.keys()).sort(function (a, b) { return a - b; });
    var out = [ts.map(function (t) { return t / 1e9; }), [], [], [], [], []];
    ts.forEach(function (t) {
      var r = m.get(t);
      for (var k = 0; k < 5; k++) out[k + 1].push(r[k]);
    });
    return out;
  }

  function offsetSeries(withEstimate) {
    var s = [
      { label: "measured (ns)", stroke: "#1f5fbf", width: 1.5, points: { size: 4 } },
      { label: "holdover prediction (ns)", stroke: "#d2691e", width: 2, dash: [6, 4],
        points: { size: 5 } },
      { label: "95 % low", stroke: "rgba(210,105,30,0.5)", width: 1,
        points: { show: false } },
      { label: "95 % high", stroke: "rgba(210,105,30,0.5)", width: 1,
        points: { show: false }, bandWith: 3 }
    ];
    if (withEstimate)
      s.push({ label: "servo estimate (ns)", stroke: "#2a9d48", width: 1, spanGaps: true,
               points: { show: false } });
    return s;
  }

  function count(u) {
    return u.data[1].filter(function (v) { return v !== null && v !== undefined; }).length;
  }

  function failed(el, why) {
    el.textContent = "The chart could not be drawn: " + why + " (the tables below hold the numbers).";
    el.dataset.error = why;
  }

  function pairChart(el) {
    var pred = embedded("pair-pred") || [];
    fetch(el.dataset.series, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (j) {
        var meas = j.points.filter(function (p) { return p[1] !== null; });
        var data = merge(meas, pred, false);
        data.pop();
        var u = plot(el, offsetSeries(false), data,
                     [{}, { label: "ns", size: 60 }]);
        el.dataset.points = String(count(u));
        el.dataset.predicted = String(pred.length);
        el.dataset.drawn = "1";
      })
      .catch(function (e) { failed(el, String(e.message || e)); });
  }

  function clockCharts() {
    var d = embedded("clock-data");
    var el = document.getElementById("clock-chart");
    if (!d || !el) return;
    var meas = [];
    d.rows.forEach(function (r) {
      if (r[1] !== null || r[2] !== null) meas.push([r[0], r[1], r[2]]);
    });
    var u = plot(el, offsetSeries(true), merge(meas, d.pred, true),
                 [{}, { label: "ns", size: 60 }]);
    el.dataset.points = String(count(u));
    el.dataset.predicted = String(d.pred.length);
    el.dataset.drawn = "1";
    var osc = document.getElementById("osc-chart");
    var ts = [], f = [], dr = [];
    d.rows.forEach(function (r) {
      if (r[3] === null && r[4] === null) return;
      ts.push(r[0] / 1e9);
      f.push(r[3] === null ? null : r[3] * 1e12);
      dr.push(r[4]);
    });
    var v = plot(osc, [
      { label: "steering frequency (1e-12)", stroke: "#6a3d9a", width: 1.5, scale: "f",
        value: function (u_, x) { return x === null ? "-" : x.toFixed(3); } },
      { label: "drift /day", stroke: "#b15928", width: 1, scale: "d",
        value: function (u_, x) { return x === null ? "-" : x.toExponential(3); } }
    ], [ts, f, dr], [
      {},
      { scale: "f", label: "frequency (1e-12)", size: 70 },
      { scale: "d", side: 1, label: "drift /day", size: 80, grid: { show: false } }
    ], { x: { time: true }, f: {}, d: {} });
    osc.dataset.points = String(count(v));
    osc.dataset.drawn = "1";
  }

  function start() {
    if (typeof uPlot === "undefined") return;
    var p = document.getElementById("pair-chart");
    if (p) pairChart(p);
    clockCharts();
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start);
  else
    start();
})();

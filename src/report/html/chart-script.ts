/**
 * The page's own script: reads the chart specs from the JSON script element and draws each with uPlot. Distribution
 * charts put the percentile q on a log axis of 1 / (1 − q) (labels "50%", "99%", "99.9%"), so the tail is as wide
 * as the median; latency on a log axis too. History charts mark the run compared with and this run. The legend shows
 * the values under the pointer, and a resting point's (p99, this run) when the pointer is elsewhere. When every
 * chart is drawn, `window.perfGateCharts` lists what was drawn (series and points per chart), for tests and tools.
 */
export function chartScript(): string {
  return `(function () {
  var specs = JSON.parse(document.getElementById('perf-gate-charts').textContent);
  var css = getComputedStyle(document.documentElement);
  var colour = function (role) { return css.getPropertyValue(role === 'baseline' ? '--baseline' : '--current').trim(); };
  var fg = css.getPropertyValue('--muted').trim();
  var grid = css.getPropertyValue('--line').trim();
  var drawn = [];
  var odds = function (p) { return 1 / (1 - Math.min(p, 99.9999) / 100); };
  var percentLabel = function (p) { return (p >= 99 ? String(+p.toFixed(4)) : String(+p.toFixed(1))) + '%'; };
  var fmt = function (v, unit) {
    if (v == null) return '';
    var a = Math.abs(v);
    var text = a >= 1e6 ? (v / 1e6).toPrecision(3) + 'M' : a >= 1e4 ? (v / 1e3).toPrecision(3) + 'k' : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : +v.toPrecision(3) + '';
    return text + ' ' + unit;
  };
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var width = Math.max(320, Math.min(1040, el.clientWidth || 960));
    var distribution = spec.kind === 'distribution';
    var xs = distribution ? spec.x.map(odds) : spec.x;
    var series = [{ label: distribution ? 'percentile' : 'run', value: function (u, v, si, i) {
      return i == null ? '' : distribution ? percentLabel(spec.x[i]) : spec.labels[i];
    } }];
    spec.series.forEach(function (s) {
      var baseline = s.role === 'baseline';
      series.push({
        label: s.name, stroke: colour(s.role), width: 2, dash: baseline ? [8, 5] : undefined,
        points: { show: true, size: baseline ? 7 : 6, fill: baseline ? 'transparent' : colour(s.role), stroke: colour(s.role) },
        value: function (u, v) { return fmt(v, spec.unit); }
      });
    });
    if (!distribution && spec.marks) {
      // The run compared with and this run, as points of their own (square and diamond-free dot), not by colour alone.
      ['baseline', 'current'].forEach(function (role) {
        var at = spec.marks[role];
        if (at == null) return;
        series.push({
          label: role === 'baseline' ? 'compared with' : 'this run', stroke: colour(role), width: 0,
          points: { show: true, size: 11, fill: role === 'baseline' ? 'transparent' : colour(role), stroke: colour(role), width: 2 },
          value: function (u, v) { return fmt(v, spec.unit); }
        });
      });
    }
    if (spec.compared) {
      // Compared with the median of the stored runs, which no one run is: a dashed level across the chart.
      series.push({
        label: spec.compared.label, stroke: colour('baseline'), width: 1.5, dash: [8, 5], points: { show: false },
        value: function (u, v) { return fmt(v, spec.unit); }
      });
    }
    if (spec.steps) {
      // Where a step found among the stored runs starts: a large ring in the failure colour, named in the legend.
      series.push({
        label: 'step starts', stroke: css.getPropertyValue('--fail').trim(), width: 0,
        points: { show: true, size: 16, fill: 'transparent', stroke: css.getPropertyValue('--fail').trim(), width: 2 },
        value: function (u, v) { return fmt(v, spec.unit); }
      });
    }
    var data = [xs].concat(spec.series.map(function (s) { return s.values; }));
    if (!distribution && spec.marks) {
      ['baseline', 'current'].forEach(function (role) {
        var at = spec.marks[role];
        if (at == null) return;
        data.push(spec.series[0].values.map(function (v, i) { return i === at ? v : null; }));
      });
    }
    if (spec.compared) data.push(spec.x.map(function () { return spec.compared.value; }));
    if (spec.steps) data.push(spec.series[0].values.map(function (v, i) { return spec.steps.indexOf(i) >= 0 ? v : null; }));
    var axes = [
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid },
        splits: distribution ? function () { return [0, 50, 90, 99, 99.9, 99.99, 99.999].map(odds); } : undefined,
        // Every percentile tick is labelled (a log axis would keep only some of them).
        filter: distribution ? function (u, splits) { return splits; } : undefined, space: distribution ? 20 : 50,
        values: distribution
          ? function (u, splits) { return splits.map(function (s) { return s == null ? '' : percentLabel(100 * (1 - 1 / s)); }); }
          : function (u, splits) { return splits.map(function (s) { return Number.isInteger(s) && spec.labels[s] != null ? spec.labels[s] : ''; }); } },
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 84,
        values: function (u, splits) { return splits.map(function (v) { return fmt(v, spec.unit); }); } }
    ];
    var positive = data.slice(1).every(function (s) { return s.every(function (v) { return v == null || v > 0; }); });
    var opts = {
      title: spec.title, width: width, height: 300, series: series, axes: axes,
      scales: {
        x: distribution ? { time: false, distr: 3, log: 10 } : { time: false },
        y: distribution && positive ? { distr: 3, log: 10 } : {}
      },
      legend: { live: true },
      hooks: { setLegend: [restLegend] }
    };
    // With the pointer off the chart the legend shows one point's values instead of bare names: the 99th percentile
    // of a distribution, this run in a history.
    var rest = distribution ? Math.max(0, spec.x.indexOf(99)) : spec.marks && spec.marks.current != null ? spec.marks.current : spec.x.length - 1;
    var resting = false;
    function restLegend(u) {
      if (u.legend.idx != null || resting) return;
      resting = true;
      u.setLegend({ idx: rest }, false);
      resting = false;
    }
    var plot = new uPlot(opts, data, el);
    restLegend(plot);
    drawn.push({ id: spec.id, kind: spec.kind, series: plot.series.length - 1, points: data[0].length,
      canvas: !!el.querySelector('canvas') });
  });
  window.perfGateCharts = drawn;
})();`
}

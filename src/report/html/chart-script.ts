/**
 * The page's own script: reads the chart specs from the JSON script element and draws each with uPlot. Distribution
 * charts put the percentile q on a log axis of 1 / (1 − q) (labels "50%", "99%", "99.9%"), so the tail is as wide
 * as the median; latency on a log axis too. History charts mark the run compared with and this run. The legend shows
 * the values under the pointer, and a resting point's (p99, this run) when the pointer is elsewhere. When every
 * chart is drawn, `window.perfGateCharts` lists what was drawn (series and points per chart, the y axis's size and
 * labels), for tests and tools.
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
  // Values read in the unit the table's cells use (spec.scale: "28.5 µs", not "28.5k ns"), three significant digits
  // as formatNumber writes them; axis ticks get as many decimals as their step needs, so that no two read the same.
  var withUnit = function (text, scale) { return scale.name ? text + (scale.space ? ' ' : '') + scale.name : text; };
  var fmt = function (v, scale) {
    if (v == null) return '';
    var x = v / scale.divisor, m = Math.abs(Number(x.toPrecision(3)));
    var text = x === 0 ? '0' : m >= 1000 ? Math.round(x).toLocaleString('en-US') : m >= 100 ? x.toFixed(0) : m >= 10 ? x.toFixed(1) : m >= 1 ? x.toFixed(2) : x.toPrecision(3);
    return withUnit(text, scale);
  };
  var displayIncrs = function (scale) {
    var incrs = [];
    for (var e = -12; e <= 15; e++) [1, 2, 5].forEach(function (m) { incrs.push(Number((m + 'e' + e)) * scale.divisor); });
    return incrs;
  };
  var decimalsFor = function (step) {
    for (var d = 0; d < 9; d++) if (Math.abs(Number(step.toFixed(d)) - step) <= step * 1e-6) return d;
    return 9;
  };
  var tickLabels = function (splits, scale) {
    var step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) / scale.divisor : 0;
    var d = step > 0 ? decimalsFor(step) : 2;
    return splits.map(function (s) {
      return s == null ? '' : withUnit((s / scale.divisor).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }), scale);
    });
  };
  // An axis as wide as its widest label (uPlot's fixed default cut "2,000,000 ops/s" to ",000 ops/s"): measured with
  // the canvas in the axis's own font; uPlot calls this again after the labels change, until the size settles.
  var axisSize = function (u, values, axisIdx, cycle) {
    var axis = u.axes[axisIdx];
    if (cycle > 1) return axis._size;
    var widest = 0;
    u.ctx.save();
    u.ctx.font = axis.font[0];
    (values || []).forEach(function (text) { if (text) widest = Math.max(widest, u.ctx.measureText(text).width); });
    u.ctx.restore();
    return Math.ceil(widest / uPlot.pxRatio + axis.ticks.size + axis.gap + 4);
  };
  // A linear y range with room around the values, and at least ±3% around their middle: a flat series (a metric
  // that did not move) then looks flat, instead of float noise stretched over the whole height.
  var historyRange = function (u, min, max) {
    if (min == null || max == null) return [0, 1];
    var mid = (min + max) / 2, least = Math.abs(mid) * 0.03 || 1;
    if ((max - min) / 2 >= least) return uPlot.rangeNum(min, max, 0.1, true);
    return [mid - least, mid + least];
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
        value: function (u, v) { return fmt(v, spec.scale); }
      });
    });
    if (!distribution && spec.marks) {
      // The run compared with and this run, as points of their own (square and diamond-free dot), not by colour alone.
      // Each is one run: its legend entry shows that run's value wherever the pointer is, not a blank off that run.
      ['baseline', 'current'].forEach(function (role) {
        var at = spec.marks[role];
        if (at == null) return;
        var marked = spec.series[0].values[at];
        series.push({
          label: role === 'baseline' ? 'compared with' : 'this run', stroke: colour(role), width: 0,
          points: { show: true, size: 11, fill: role === 'baseline' ? 'transparent' : colour(role), stroke: colour(role), width: 2 },
          value: function () { return fmt(marked, spec.scale); }
        });
      });
    }
    if (spec.compared) {
      // Compared with the median of the stored runs, which no one run is: a dashed level across the chart.
      series.push({
        label: spec.compared.label, stroke: colour('baseline'), width: 1.5, dash: [8, 5], points: { show: false },
        value: function () { return fmt(spec.compared.value, spec.scale); }
      });
    }
    if (spec.steps) {
      // Where a step found among the stored runs starts: a large ring in the failure colour, named in the legend. The
      // legend names the run(s) it starts at wherever the pointer is (a run off the step would read "--").
      var stepRuns = spec.steps.map(function (i) { return spec.labels[i]; }).join(', ');
      series.push({
        label: 'step starts', stroke: css.getPropertyValue('--fail').trim(), width: 0,
        points: { show: true, size: 16, fill: 'transparent', stroke: css.getPropertyValue('--fail').trim(), width: 2 },
        value: function (u, v) { return v == null ? 'at ' + stepRuns : fmt(v, spec.scale); }
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
    var positive = data.slice(1).every(function (s) { return s.every(function (v) { return v == null || v > 0; }); });
    var axes = [
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid },
        splits: distribution ? function () { return [0, 50, 90, 99, 99.9, 99.99, 99.999].map(odds); } : undefined,
        // Every percentile tick is labelled (a log axis would keep only some of them).
        filter: distribution ? function (u, splits) { return splits; } : undefined, space: distribution ? 20 : 50,
        values: distribution
          ? function (u, splits) { return splits.map(function (s) { return s == null ? '' : percentLabel(100 * (1 - 1 / s)); }); }
          : function (u, splits) { return splits.map(function (s) { return Number.isInteger(s) && spec.labels[s] != null ? spec.labels[s] : ''; }); } },
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: axisSize,
        // Ticks 1, 2 or 5 × 10ⁿ apart in the display unit (0.05 KiB, not 50 B, which reads 0.0488 KiB).
        incrs: distribution && positive ? undefined : displayIncrs(spec.scale),
        // A log axis's ticks are 1-2-5 steps apart, each read to three digits; a linear one's by its step.
        values: function (u, splits) {
          return distribution && positive ? splits.map(function (v) { return fmt(v, spec.scale); }) : tickLabels(splits, spec.scale);
        } }
    ];
    var opts = {
      title: spec.title, width: width, height: 300, series: series, axes: axes,
      // Room on the right for the last x label ("99.999%", "this run"), which is centred on the plot's edge.
      padding: [null, 28, null, null],
      scales: {
        x: distribution ? { time: false, distr: 3, log: 10 } : { time: false },
        y: distribution && positive ? { distr: 3, log: 10 } : { range: historyRange }
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
    drawn.push({ id: spec.id, kind: spec.kind, title: spec.title, series: plot.series.length - 1, points: data[0].length,
      canvas: !!el.querySelector('canvas'), plot: plot });
  });
  // uPlot lays a chart out in a microtask after it is made: the y axis's size and labels are known after that.
  setTimeout(function () {
    window.perfGateCharts = drawn.map(function (chart) {
      var plot = chart.plot, y = plot.axes[1];
      return { id: chart.id, kind: chart.kind, title: chart.title, series: chart.series, points: chart.points, canvas: chart.canvas,
        yAxis: { size: y._size, labels: (y._values || []).map(String), font: y.font[0], room: y.ticks.size + y.gap, pxRatio: uPlot.pxRatio,
          min: plot.scales.y.min, max: plot.scales.y.max },
        xAxis: { labels: (plot.axes[0]._values || []).map(String), plotRight: (plot.bbox.left + plot.bbox.width) / uPlot.pxRatio, width: plot.width } };
    });
  }, 0);
})();`
}

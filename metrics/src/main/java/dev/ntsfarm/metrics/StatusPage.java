package dev.ntsfarm.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * The page served at {@code /} beside {@code /metrics}: the counts as text, and plots of the
 * process's own {@link History}, drawn as SVG by a script in the page itself. Nothing is fetched
 * from elsewhere (no fonts, styles or scripts from outside), so it works on a host cut off from the
 * internet.
 */
public final class StatusPage {

    /** Seconds between the page's own reloads. */
    static final int REFRESH_SECONDS = 10;

    private final String title;
    private final History history;
    private final Map<String, DoubleSupplier> counts = new LinkedHashMap<>();
    private final List<Plot> plots = new CopyOnWriteArrayList<>();

    public StatusPage(String title, History history) {
        this.title = title;
        this.history = history;
    }

    /** A count shown as text, read when the page is served. */
    public synchronized StatusPage count(String label, DoubleSupplier value) {
        counts.put(label, value);
        return this;
    }

    public StatusPage plot(Plot plot) {
        plots.add(plot);
        return this;
    }

    public History history() {
        return history;
    }

    public List<Plot> plots() {
        return List.copyOf(plots);
    }

    /** The page as it stands now. */
    public String render() {
        History.Samples s = history.samples();
        JsonArray data = new JsonArray();
        JsonArray times = new JsonArray();
        long[] t = s.times();
        for (int i = 1; i < t.length; i++) {
            times.add(t[i]);
        }
        StringBuilder figures = new StringBuilder();
        for (Plot p : plots) {
            JsonArray lines = new JsonArray();
            StringBuilder legend = new StringBuilder();
            for (Plot.Line line : p.lines()) {
                double[] points = line.points(s);
                JsonArray ys = new JsonArray();
                for (double y : points) {
                    ys.add(Double.isFinite(y) ? y : null);
                }
                lines.add(new JsonObject().put("label", line.label()).put("points", ys));
                legend.append("<li><span class=\"swatch\"></span>")
                        .append(escape(line.label()))
                        .append(": ")
                        .append(latest(points))
                        .append(' ')
                        .append(escape(p.unit()));
                if (line.total() != null) {
                    double[] raw = s.of(line.total());
                    if (raw.length > 0 && Double.isFinite(raw[raw.length - 1])) {
                        legend.append(" (total ").append(number(raw[raw.length - 1])).append(')');
                    }
                }
                legend.append("</li>");
            }
            data.add(new JsonObject().put("id", p.id()).put("unit", p.unit()).put("lines", lines));
            figures.append("<figure class=\"plot\" id=\"")
                    .append(escape(p.id()))
                    .append("\"><figcaption>")
                    .append(escape(p.title()))
                    .append("</figcaption><svg viewBox=\"0 0 640 180\" role=\"img\" aria-label=\"")
                    .append(escape(p.title()))
                    .append("\"></svg><ul class=\"legend\">")
                    .append(legend)
                    .append("</ul></figure>\n");
        }
        StringBuilder table = new StringBuilder();
        synchronized (this) {
            for (Map.Entry<String, DoubleSupplier> c : counts.entrySet()) {
                double v;
                try {
                    v = c.getValue().getAsDouble();
                } catch (RuntimeException e) {
                    v = Double.NaN;
                }
                table.append("<tr><th>")
                        .append(escape(c.getKey()))
                        .append("</th><td>")
                        .append(number(v))
                        .append("</td></tr>\n");
            }
        }
        String json =
                new JsonObject()
                        .put("start", t.length > 0 ? t[0] : 0)
                        .put("times", times)
                        .put("plots", data)
                        .encode()
                        .replace("</", "<\\/");
        return TEMPLATE.replace("@TITLE@", escape(title))
                .replace("@REFRESH@", String.valueOf(REFRESH_SECONDS))
                .replace("@SAMPLES@", String.valueOf(s.size()))
                .replace("@COUNTS@", table.toString())
                .replace("@FIGURES@", figures.toString())
                .replace("@DATA@", json);
    }

    private static String latest(double[] points) {
        for (int i = points.length - 1; i >= 0; i--) {
            if (Double.isFinite(points[i])) {
                return number(points[i]);
            }
        }
        return "-";
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        double a = Math.abs(v);
        return a != 0 && (a < 0.001 || a >= 1e6)
                ? String.format(Locale.ROOT, "%.3e", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String TEMPLATE =
            """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="@REFRESH@">
            <title>@TITLE@</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fff}
            h1{font-size:1.3em} table{border-collapse:collapse;margin-bottom:1em}
            th{text-align:left;font-weight:normal;padding:1px 1em 1px 0} td{text-align:right;font-family:monospace}
            .plots{display:flex;flex-wrap:wrap;gap:1em} figure.plot{margin:0;width:660px}
            figcaption{font-weight:bold} svg{width:640px;height:180px;background:#fafafa;border:1px solid #ddd}
            ul.legend{list-style:none;padding:0;margin:.2em 0} .swatch{display:inline-block;width:1em;height:.6em;margin-right:.4em}
            .l0{stroke:#1f77b4} .l1{stroke:#d62728} .l2{stroke:#2ca02c} .l3{stroke:#9467bd}
            .p0{fill:#1f77b4} .p1{fill:#d62728} .p2{fill:#2ca02c} .p3{fill:#9467bd}
            li:nth-child(1) .swatch{background:#1f77b4} li:nth-child(2) .swatch{background:#d62728}
            li:nth-child(3) .swatch{background:#2ca02c} li:nth-child(4) .swatch{background:#9467bd}
            polyline{fill:none;stroke-width:1.5} .axis{stroke:#999;stroke-width:.5} text{font-size:10px;fill:#555}
            </style></head>
            <body>
            <h1>@TITLE@</h1>
            <p>The last hour of this process, @SAMPLES@ samples; the page reloads every @REFRESH@ s. Raw counters: <a href="/metrics">/metrics</a>.</p>
            <table>
            @COUNTS@</table>
            <div class="plots">
            @FIGURES@</div>
            <script type="application/json" id="history">@DATA@</script>
            <script>
            (function () {
              var ns = "http://www.w3.org/2000/svg";
              var data = JSON.parse(document.getElementById("history").textContent);
              var W = 640, H = 180, L = 56, R = 8, T = 8, B = 20;
              function el(name, attrs, parent) {
                var e = document.createElementNS(ns, name);
                for (var k in attrs) { e.setAttribute(k, attrs[k]); }
                parent.appendChild(e);
                return e;
              }
              function fmt(v) {
                var a = Math.abs(v);
                return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(1) : String(Math.round(v * 100) / 100);
              }
              data.plots.forEach(function (p) {
                var fig = document.getElementById(p.id);
                var svg = fig.querySelector("svg");
                var t = data.times, lo = 0, hi = 0, drawn = 0, nonzero = 0;
                p.lines.forEach(function (l) {
                  l.points.forEach(function (y) { if (y !== null) { lo = Math.min(lo, y); hi = Math.max(hi, y); } });
                });
                if (hi === lo) { hi = lo + 1; }
                var t0 = t.length ? data.start : 0, t1 = t.length ? t[t.length - 1] : 1;
                if (t1 === t0) { t1 = t0 + 1; }
                function x(ms) { return L + (W - L - R) * (ms - t0) / (t1 - t0); }
                function y(v) { return T + (H - T - B) * (hi - v) / (hi - lo); }
                el("line", {"class": "axis", x1: L, y1: y(0), x2: W - R, y2: y(0)}, svg);
                el("line", {"class": "axis", x1: L, y1: T, x2: L, y2: H - B}, svg);
                el("text", {x: 2, y: T + 8}, svg).textContent = fmt(hi);
                el("text", {x: 2, y: H - B}, svg).textContent = fmt(lo);
                el("text", {x: L, y: H - 4}, svg).textContent = t.length ? new Date(t0).toISOString().substring(11, 19) + " UTC" : "no samples yet";
                el("text", {x: W - R - 70, y: H - 4}, svg).textContent = t.length ? new Date(t1).toISOString().substring(11, 19) + " UTC" : "";
                p.lines.forEach(function (l, i) {
                  var pts = [];
                  l.points.forEach(function (v, k) {
                    if (v !== null) { pts.push(x(t[k]).toFixed(1) + "," + y(v).toFixed(1)); drawn++; if (v !== 0) { nonzero++; } }
                  });
                  if (pts.length) { el("polyline", {"class": "l" + (i % 4), points: pts.join(" "), "data-label": l.label}, svg); }
                  if (pts.length < 60) {
                    pts.forEach(function (xy) {
                      var c = xy.split(",");
                      el("circle", {"class": "p" + (i % 4), cx: c[0], cy: c[1], r: 2.5}, svg);
                    });
                  }
                });
                fig.setAttribute("data-points", String(drawn));
                fig.setAttribute("data-nonzero", String(nonzero));
                fig.setAttribute("data-max", String(hi));
              });
              document.body.setAttribute("data-rendered", String(data.plots.length));
            })();
            </script>
            </body></html>
            """;
}

package dev.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An SVG bar chart: median events/s per workload for each system and the ceiling, with min–max whiskers. */
final class Chart {

    private static final String[] COLOURS = {"#2b7bba", "#e0802b", "#9a9a9a", "#6aa84f"};
    private static final int BAR = 26;
    private static final int GAP = 30;
    private static final int HEIGHT = 300;
    private static final int TOP = 40;
    private static final int LEFT = 80;

    private Chart() {}

    static String svg(Results results) {
        List<String> series = new ArrayList<>(BenchmarkMain.systems(results.options()));
        series.add("ceiling");
        List<String[]> groups = new ArrayList<>();
        List<Stats[]> values = new ArrayList<>();
        double max = 1;
        for (String db : results.options().databases()) {
            for (Workload w : results.options().workloads()) {
                Stats[] row = new Stats[series.size()];
                for (int i = 0; i < series.size(); i++) {
                    row[i] = series.get(i).equals("ceiling") ? Report.ceiling(results, db, w)
                            : Report.stat(results.runs(db, w, series.get(i)), Measurement::eventsPerSecond);
                    if (row[i].present()) {
                        max = Math.max(max, row[i].max());
                    }
                }
                groups.add(new String[] {db, w.name()});
                values.add(row);
            }
        }
        int groupWidth = series.size() * BAR + GAP;
        int width = LEFT + groups.size() * groupWidth + 20;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", width, HEIGHT + TOP + 60));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">End-to-end events/s into Parquet"
                + " (median of %d, whiskers min–max), %,d rows</text>%n", LEFT, results.options().reps(),
                results.options().rows()));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            int y = TOP + HEIGHT - (int) (HEIGHT * t / 4.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>%n", LEFT, width - 10, y, y, LEFT - 5,
                    y + 4, v));
        }
        for (int g = 0; g < groups.size(); g++) {
            int x0 = LEFT + g * groupWidth + GAP / 2;
            for (int i = 0; i < series.size(); i++) {
                Stats st = values.get(g)[i];
                if (!st.present()) {
                    continue;
                }
                int h = (int) (HEIGHT * st.median() / max);
                int x = x0 + i * BAR;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %,.0f</title></rect>%n", x, TOP + HEIGHT - h, BAR - 4, h,
                        COLOURS[i % COLOURS.length], series.get(i), st.median()));
                int yMin = TOP + HEIGHT - (int) (HEIGHT * st.min() / max);
                int yMax = TOP + HEIGHT - (int) (HEIGHT * st.max() / max);
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        x + (BAR - 4) / 2, x + (BAR - 4) / 2, yMin, yMax));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s %s</text>%n",
                    x0 + series.size() * BAR / 2, TOP + HEIGHT + 16, groups.get(g)[0], groups.get(g)[1]));
        }
        for (int i = 0; i < series.size(); i++) {
            int x = LEFT + i * 150;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, TOP + HEIGHT + 32, COLOURS[i % COLOURS.length], x + 16,
                    TOP + HEIGHT + 42, series.get(i)));
        }
        return s.append("</svg>\n").toString();
    }
}

package dev.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SVG bar chart of median events/s per workload for each system and the ceiling, with min–max whiskers, on a
 * logarithmic axis (ceilings are 10–100× the systems). Drawn from a run's {@link Results}, or again from the
 * markdown table a run wrote ({@link #fromTable}).
 */
final class Chart {

    private static final String[] COLOURS = {"#2b7bba", "#e0802b", "#c9a227", "#9a9a9a"};
    private static final Pattern CELL = Pattern.compile("([0-9,]+)(?: \\(([0-9,]+)–([0-9,]+)\\))?");
    private static final int BAR = 24;
    private static final int GAP = 26;
    private static final int HEIGHT = 300;
    private static final int TOP = 40;
    private static final int LEFT = 80;

    private Chart() {}

    static String svg(Results results) {
        List<String> series = new ArrayList<>(BenchmarkMain.systems(results.options()));
        series.add("ceiling");
        List<String> groups = new ArrayList<>();
        List<Stats[]> values = new ArrayList<>();
        for (String db : results.options().databases()) {
            for (Workload w : results.options().workloads()) {
                if (w == Workload.W6) {
                    continue; // not events/s: its own table
                }
                Stats[] row = new Stats[series.size()];
                for (int i = 0; i < series.size(); i++) {
                    row[i] = series.get(i).equals("ceiling") ? Report.ceiling(results, db, w)
                            : Report.stat(results.runs(db, w, series.get(i)), Measurement::eventsPerSecond);
                }
                groups.add(db + " " + w.name());
                values.add(row);
            }
        }
        return draw(String.format(Locale.ROOT, "End-to-end events/s into Parquet, %,d rows (median of %d, whiskers"
                + " min–max; log scale)", results.options().rows(), results.options().reps()), series, groups, values);
    }

    /** The chart of the first results table in a markdown text written by {@link Report}. */
    static String fromTable(String markdown, String title) {
        List<String> series = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<Stats[]> values = new ArrayList<>();
        int ceilingColumn = -1;
        for (String line : markdown.split("\n")) {
            String[] cells = line.split("\\|");
            if (line.startsWith("| database | workload | events |")) {
                for (int i = 4; i < cells.length; i++) {
                    if (cells[i].trim().endsWith(" events/s") && !cells[i].contains("ceiling")) {
                        series.add(cells[i].trim().replace(" events/s", ""));
                    } else if (cells[i].contains("ceiling events/s")) {
                        ceilingColumn = i;
                    }
                }
                series.add("ceiling");
            } else if (!series.isEmpty() && cells.length > ceilingColumn && line.startsWith("| ")
                    && !line.startsWith("|---") && ceilingColumn > 0) {
                if (cells[1].trim().equals("database")) {
                    break;
                }
                Stats[] row = new Stats[series.size()];
                for (int i = 0; i < series.size() - 1; i++) {
                    row[i] = parse(cells[4 + i]);
                }
                row[series.size() - 1] = parse(cells[ceilingColumn]);
                groups.add(cells[1].trim() + " " + cells[2].trim().split(" ")[0]);
                values.add(row);
            } else if (!groups.isEmpty() && !line.startsWith("|")) {
                break;
            }
        }
        return draw(title, series, groups, values);
    }

    private static Stats parse(String cell) {
        Matcher m = CELL.matcher(cell.trim());
        if (!m.lookingAt()) {
            return Stats.of(List.of());
        }
        double median = Double.parseDouble(m.group(1).replace(",", ""));
        double min = m.group(2) == null ? median : Double.parseDouble(m.group(2).replace(",", ""));
        double max = m.group(3) == null ? median : Double.parseDouble(m.group(3).replace(",", ""));
        return new Stats(median, min, max, 3);
    }

    private static String draw(String title, List<String> series, List<String> groups, List<Stats[]> values) {
        double lo = 3;
        double hi = 4;
        for (Stats[] row : values) {
            for (Stats st : row) {
                if (st.present()) {
                    lo = Math.min(lo, Math.floor(Math.log10(Math.max(1, st.min()))));
                    hi = Math.max(hi, Math.ceil(Math.log10(Math.max(1, st.max()))));
                }
            }
        }
        int groupWidth = series.size() * BAR + GAP;
        int width = Math.max(LEFT + groups.size() * groupWidth + 20, 700);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", width, HEIGHT + TOP + 60));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"13\">%s</text>%n", LEFT, title));
        for (double e = lo; e <= hi; e++) {
            int y = y(Math.pow(10, e), lo, hi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>%n", LEFT, width - 10, y, y, LEFT - 5,
                    y + 4, Math.pow(10, e)));
        }
        for (int g = 0; g < groups.size(); g++) {
            int x0 = LEFT + g * groupWidth + GAP / 2;
            for (int i = 0; i < series.size(); i++) {
                Stats st = values.get(g)[i];
                if (!st.present()) {
                    continue;
                }
                int top = y(st.median(), lo, hi);
                int x = x0 + i * BAR;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %,.0f</title></rect>%n", x, top, BAR - 4, TOP + HEIGHT - top,
                        COLOURS[i % COLOURS.length], series.get(i), st.median()));
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        x + (BAR - 4) / 2, x + (BAR - 4) / 2, y(st.min(), lo, hi), y(st.max(), lo, hi)));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x0 + series.size() * BAR / 2, TOP + HEIGHT + 16, groups.get(g)));
        }
        for (int i = 0; i < series.size(); i++) {
            int x = LEFT + i * 150;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, TOP + HEIGHT + 32, COLOURS[i % COLOURS.length], x + 16,
                    TOP + HEIGHT + 42, series.get(i)));
        }
        return s.append("</svg>\n").toString();
    }

    private static int y(double value, double lo, double hi) {
        double v = Math.log10(Math.max(1, value));
        return TOP + HEIGHT - (int) Math.round(HEIGHT * (v - lo) / (hi - lo));
    }
}

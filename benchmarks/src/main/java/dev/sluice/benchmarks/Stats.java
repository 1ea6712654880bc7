package dev.sluice.benchmarks;

import java.util.List;
import java.util.Locale;

/** Median, minimum and maximum of a few repetitions. Immutable. */
record Stats(double median, double min, double max, int count) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    boolean present() {
        return count > 0;
    }

    /** {@code 12,345 (11,900–12,800)}, or {@code —}. */
    String format() {
        if (!present()) {
            return "—";
        }
        if (count == 1) {
            return String.format(Locale.ROOT, "%,.0f", median);
        }
        return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median, min, max);
    }
}

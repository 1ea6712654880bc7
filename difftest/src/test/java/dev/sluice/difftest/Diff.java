package dev.sluice.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Compares the expected state with what a sink holds, value by value, and describes the first differences. */
final class Diff {

    private static final int SHOWN = 5;

    private Diff() {}

    static List<String> compare(Table table, Map<List<String>, List<String>> expected,
            Map<List<String>, List<String>> actual) {
        List<String> out = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<List<String>, List<String>> e : expected.entrySet()) {
            List<String> got = actual.get(e.getKey());
            if (got == null) {
                if (shown++ < SHOWN) {
                    out.add(table.label() + " key " + e.getKey() + ": missing in the sink");
                }
                continue;
            }
            for (int i = 0; i < table.columns.size(); i++) {
                if (!Objects.equals(e.getValue().get(i), got.get(i)) && shown++ < SHOWN) {
                    out.add(table.label() + " key " + e.getKey() + " column " + table.columns.get(i).name() + " ("
                            + table.columns.get(i).type().label() + "): source " + clip(e.getValue().get(i))
                            + ", sink " + clip(got.get(i)));
                }
            }
        }
        TreeSet<String> extra = new TreeSet<>();
        for (List<String> key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                extra.add(key.toString());
            }
        }
        for (String key : extra) {
            if (shown++ < SHOWN) {
                out.add(table.label() + " key " + key + ": in the sink, not in the source (a ghost row)");
            }
        }
        if (shown > SHOWN) {
            out.add("… " + (shown - SHOWN) + " more differences in " + table.label());
        }
        return out;
    }

    private static String clip(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.length() <= 120) {
            return "'" + value + "'";
        }
        int end = value.offsetByCodePoints(0, value.codePointCount(0, 120));
        return "'" + value.substring(0, end) + "…' (" + value.length() + " chars)";
    }
}

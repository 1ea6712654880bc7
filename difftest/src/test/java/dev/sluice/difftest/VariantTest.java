package dev.sluice.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The crash draws of the variants: a seed gives one variant, KILL in a quarter of the cases, kill points. */
class VariantTest {

    @Test
    void killVariantsAreAboutAQuarterOfTheCasesWithOneToThreeKillsEach() {
        int cases = 0;
        int killed = 0;
        for (long seed = 1; seed <= 200; seed++) {
            for (CasePath path : CasePath.all()) {
                Variant v = Variant.of(seed, path);
                assertEquals(v, Variant.of(seed, path), "a seed draws one variant");
                cases++;
                if (v.crash() == Variant.Crash.KILL) {
                    killed++;
                    assertTrue(v.kills().size() >= 1 && v.kills().size() <= 3, v.toString());
                    assertTrue(v.commits() >= 2 && v.commits() <= 10, v.toString());
                } else {
                    assertTrue(v.kills().isEmpty(), v.toString());
                }
            }
        }
        double share = (double) killed / cases;
        assertTrue(share > 0.2 && share < 0.3, "KILL in " + killed + " of " + cases + " cases");
    }

    @Test
    void aKillAfterEventsIsAShareOfTheRowsAndAtLeastOne() {
        Variant.Kill kill = new Variant.Kill(true, 40);
        assertEquals(1, kill.events(0));
        assertEquals(1, kill.events(2));
        assertEquals(12, kill.events(30));
    }
}

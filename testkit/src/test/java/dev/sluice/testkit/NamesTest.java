package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void databaseNameCarriesPrefixClassAndRandomSuffix() {
        String name = Names.forDatabase("OrdersCaptureIT");

        assertThat(name).matches("sluice_t_orderscaptureit_[0-9a-f]{8}");
    }

    @Test
    void twoNamesForTheSameClassDiffer() {
        assertThat(Names.forDatabase("OrdersIT")).isNotEqualTo(Names.forDatabase("OrdersIT"));
    }

    @Test
    void longClassNameIsTrimmedToSixtyThreeCharacters() {
        String name = Names.forDatabase("A".repeat(200) + "$Nested_Class");

        assertThat(name).hasSize(63).matches("sluice_t_a{45}_[0-9a-f]{8}");
    }

    @Test
    void characterOutsideLettersAndDigitsBecomesSeparator() {
        assertThat(Names.forDatabase("Outer$Inner")).matches("sluice_t_outer_inner_[0-9a-f]{8}");
        assertThat(Names.forDatabase("$$$")).matches("sluice_t_[0-9a-f]{8}");
    }

    @Test
    void bucketNameUsesHyphens() {
        assertThat(Names.forBucket("S3_SinkIT")).matches("sluice-t-s3-sinkit-[0-9a-f]{8}");
    }
}

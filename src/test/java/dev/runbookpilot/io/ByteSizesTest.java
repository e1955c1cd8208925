package dev.runbookpilot.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void sizesReadAsAPersonReadsThemInPowersOf1024NamedAsSuch() {
        assertThat(ByteSizes.human(0)).isEqualTo("0 B");
        assertThat(ByteSizes.human(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.human(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSizes.human(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
        assertThat(ByteSizes.human(3L << 50)).as("past the last unit it keeps counting in it").isEqualTo("3072.0 TiB");
        assertThat(ByteSizes.human(-1)).as("unknown").isEmpty();
    }
}

package io.sirsi.nexus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How {@link MediaTypes} tidies a {@code Content-Type} before JAX-RS parses it (issue 22, 1). */
class MediaTypesTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "application/json|application/json",
            "  application/json  |application/json",
            "application/json ; charset=utf-8|application/json;charset=utf-8",
            "application/json;\tcharset=utf-8|application/json;charset=utf-8",
            "a ; ; b|a;;b",
            "a  b|a  b",
            " ; |;",
            "text/plain; q = 1|text/plain;q = 1"})
    void removesWhitespaceAroundSemicolonsOnly(String header, String tidy) {
        assertEquals(tidy, MediaTypes.tidy(header));
    }

    /**
     * Two million spaces between two letters, and between a letter and a ';'. The regular expression this replaced
     * backtracked over the spaces from each of them: at its measured 1.75 s for 19,000, this would take hours. In one
     * pass it takes milliseconds; the bound is only there so that a regression fails instead of hanging the build.
     */
    @Test
    void workGrowsLinearlyWithTheHeader() {
        String spaces = " ".repeat(2_000_000);
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            assertEquals("a" + spaces + "b", MediaTypes.tidy("a" + spaces + "b"));
            assertEquals("a;b", MediaTypes.tidy("a" + spaces + ";" + spaces + "b"));
        });
    }
}

package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link ServiceNames#isValid}, checked by hand, accepts exactly what its published pattern does. */
class ServiceNamesTest {

    private static final Pattern RULE = Pattern.compile(ServiceNames.PATTERN);

    @Property(tries = 5_000)
    void acceptsWhatThePatternAccepts(@ForAll("names") String name) {
        assertEquals(RULE.matcher(name).matches(), ServiceNames.isValid(name), name);
    }

    /** Mostly the name's own characters, with the ones around them in ASCII and beyond, at every length near 63. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> ownCharacters = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars("._-").ofMinLength(0).ofMaxLength(66);
        Arbitrary<String> others = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars("._-AZ/:`{@[ é").ofMinLength(0).ofMaxLength(66);
        return Arbitraries.oneOf(ownCharacters, others);
    }

    @Test
    void theEdgesOfTheRule() {
        assertTrue(ServiceNames.isValid("a"));
        assertTrue(ServiceNames.isValid("0"));
        assertTrue(ServiceNames.isValid("a".repeat(63)));
        assertTrue(ServiceNames.isValid("a._-9"));
        assertFalse(ServiceNames.isValid("a".repeat(64)));
        assertFalse(ServiceNames.isValid(""));
        assertFalse(ServiceNames.isValid(null));
        assertFalse(ServiceNames.isValid("-a"));
        assertFalse(ServiceNames.isValid("a."));
        assertFalse(ServiceNames.isValid("A"));
        assertFalse(ServiceNames.isValid("a b"));
    }
}

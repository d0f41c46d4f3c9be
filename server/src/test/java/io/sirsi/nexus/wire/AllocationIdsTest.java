package io.sirsi.nexus.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.BadRequestException;
import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link AllocationIds#isCanonical}, checked by hand, accepts exactly what its published pattern does. */
class AllocationIdsTest {

    private static final Pattern FORM = Pattern.compile(AllocationIds.PATTERN);

    @Property(tries = 5_000)
    void acceptsWhatThePatternAccepts(@ForAll("ids") String text) {
        assertEquals(FORM.matcher(text).matches(), AllocationIds.isCanonical(text), text);
    }

    /** A UUID's text with one or two characters changed, added or taken away, or none. */
    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> uuid = Arbitraries.randomValue(random -> new UUID(random.nextLong(), random.nextLong())
                .toString());
        Arbitrary<Character> odd = Arbitraries.of('-', 'g', 'G', 'F', 'a', '0', '9', ' ', '{', '/', ':', '@', '`', 'é',
                '\uFF10');
        return Arbitraries.oneOf(uuid, uuid.map(String::toUpperCase),
                Combinators.combine(uuid, Arbitraries.integers().between(0, 35), odd)
                        .as((id, at, c) -> id.substring(0, at) + c + id.substring(at + 1)),
                Combinators.combine(uuid, Arbitraries.integers().between(0, 36), odd)
                        .as((id, at, c) -> id.substring(0, at) + c + id.substring(at)),
                uuid.map(id -> id.substring(1)), uuid.map(id -> id.replace("-", "")));
    }

    @Test
    void parseTakesEitherCaseAndRefusesTheRest() {
        UUID id = UUID.randomUUID();
        assertEquals(id, AllocationIds.parse(id.toString()));
        assertEquals(id, AllocationIds.parse(id.toString().toUpperCase()));
        assertTrue(AllocationIds.isCanonical("3f2b8c1e-9d4a-4e6b-8f0a-1c2d3e4f5a6b"));
        assertFalse(AllocationIds.isCanonical("3f2b8c1e9d4a-4e6b-8f0a-1c2d3e4f5a6b-"));
        // UUID.fromString alone would take these: the wire form is the canonical one only
        assertThrows(BadRequestException.class, () -> AllocationIds.parse("1-2-3-4-5"));
        assertThrows(BadRequestException.class, () -> AllocationIds.parse(""));
        assertThrows(BadRequestException.class, () -> AllocationIds.parse(null));
    }
}

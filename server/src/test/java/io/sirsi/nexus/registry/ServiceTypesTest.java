package io.sirsi.nexus.registry;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog of service types: names, order, ranges, overlaps and the ephemeral port range. */
class ServiceTypesTest {

    private static final Optional<PortRange> LINUX_DEFAULT = Optional.of(new PortRange(32768, 60999));

    @Test
    void builtInTypesComeFirstInTheSpecsOrderThenConfiguredOnesByName() {
        ServiceTypes types = catalog(Map.of("ml-model", "7000-7009", "batch", "7100-7199",
                "rest-api", "18080-18099"), Optional.empty());
        assertEquals(List.of("rest-api", "grpc", "websocket", "database", "cache", "analytics", "security",
                "frontend", "custom", "batch", "ml-model"), types.all().stream().map(ServiceType::wireName).toList());
        assertEquals(new PortRange(18080, 18099), types.ranges().get(ServiceType.REST_API));
        assertEquals(new PortRange(7000, 7009), types.ranges().get(ServiceType.named("ml-model")));
        assertEquals(new PortRange(50050, 50099), types.ranges().get(ServiceType.GRPC));
    }

    @Test
    void typesAreValuesEqualByName() {
        assertEquals(ServiceType.named("ml-model"), ServiceType.named("ml-model"));
        assertEquals(ServiceType.named("ml-model").hashCode(), ServiceType.named("ml-model").hashCode());
        assertNotEquals(ServiceType.named("ml-model"), ServiceType.CUSTOM);
        assertSame(ServiceType.GRPC, ServiceType.named("grpc"));
        assertTrue(ServiceType.GRPC.isBuiltIn());
        assertFalse(ServiceType.named("ml-model").isBuiltIn());
        assertEquals("ml-model", ServiceType.named("ml-model").toString());
    }

    @Test
    void unknownNamesAreRefusedListingTheValidOnes() {
        ServiceTypes types = catalog(Map.of("ml-model", "7000-7009"), Optional.empty());
        assertEquals(ServiceType.named("ml-model"), types.parse("ml-model"));
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class, () -> types.parse("soap"));
        assertEquals("unknown service_type 'soap'; expected one of rest-api, grpc, websocket, database, cache,"
                + " analytics, security, frontend, custom, ml-model", unknown.getMessage());
        assertTrue(types.find("ML-MODEL").isEmpty(), "names are case-sensitive, as the wire's are");
        assertThat(assertThrows(InvalidRequestException.class, () -> types.parse("x".repeat(5000))).getMessage(),
                containsString("'" + "x".repeat(64) + "…'"));
    }

    @Test
    void aBadNameNamesItsKey() {
        for (String name : List.of("ML", "7up", "-x", "has_underscore", "a".repeat(33), "")) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> catalog(Map.of(name, "7000-7009"), Optional.empty()), name);
            assertThat(bad.getMessage(), containsString("sirsi.ports.ranges." + name + ": "));
            assertThat(bad.getMessage(), containsString(ServiceType.RULE));
        }
        catalog(Map.of("a".repeat(32), "7000-7009"), Optional.empty()); // the column's width is allowed
    }

    /** The catalog as the configuration makes it: each range read by the converter SmallRye Config runs. */
    private static ServiceTypes catalog(Map<String, String> ranges, Optional<PortRange> ephemeral) {
        ConfigConverters.Range converter = new ConfigConverters.Range();
        Map<String, PortRange> read = new HashMap<>();
        ranges.forEach((name, text) -> read.put(name, converter.convert(text)));
        return ServiceTypes.of(read, ephemeral);
    }

    @Test
    void overlappingRangesAreAllowedAndEachPairIsNamed() {
        ServiceTypes types = catalog(Map.of("ml-model", "7000-7009", "ml-batch", "7005-7014",
                "metrics", "8090-8090"), Optional.empty());
        assertThat(types.overlaps(), contains(
                containsString("The ranges of rest-api (8080-8099) and metrics (8090-8090) overlap"),
                containsString("The ranges of ml-batch (7005-7014) and ml-model (7000-7009) overlap")));
        assertThat(types.overlaps().get(0), containsString("counts as in use in both ranges"));
    }

    @Test
    void theSpecsRangesDoNotOverlapEachOther() {
        assertEquals(List.of(), catalog(Map.of(), Optional.empty()).overlaps());
    }

    @Test
    void rangesAmongTheEphemeralPortsAreFlaggedAndWarnedOfWithTheReason() {
        ServiceTypes types = catalog(Map.of("ml-model", "32000-32768"), LINUX_DEFAULT);
        assertTrue(types.overlapsEphemeral(ServiceType.GRPC), "the spec's grpc range lies among Linux's default");
        assertTrue(types.overlapsEphemeral(ServiceType.named("ml-model")), "one port in common is enough");
        assertFalse(types.overlapsEphemeral(ServiceType.REST_API));
        List<String> warnings = types.ephemeralWarnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertThat(warnings.get(0), containsString("grpc (50050-50099) overlaps this machine's ephemeral port range"
                + " 32768-60999"));
        assertThat(warnings.get(0), containsString("outgoing connections take their local ports from there"));
        assertThat(warnings.get(0), containsString("sirsi.ports.ranges.grpc"));
        assertThat(warnings.get(0), containsString("add 50050-50099 to net.ipv4.ip_local_reserved_ports"));
        assertThat(warnings.get(1), containsString("ml-model (32000-32768)"));
    }

    @Test
    void withoutAnEphemeralRangeNothingOverlapsIt() {
        ServiceTypes types = catalog(Map.of(), Optional.empty());
        assertFalse(types.overlapsEphemeral(ServiceType.GRPC));
        assertEquals(List.of(), types.ephemeralWarnings());
        assertFalse(types.overlapsEphemeral(ServiceType.named("gone")), "a type not in the catalog has no range");
    }

    @Test
    void theEphemeralRangeIsReadAsLinuxWritesIt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("ip_local_port_range"), "32768\t60999\n");
        assertEquals(LINUX_DEFAULT, ServiceTypes.readEphemeralRange(file));
        assertEquals(Optional.empty(), ServiceTypes.readEphemeralRange(dir.resolve("absent")));
        Files.writeString(file, "not a range\n");
        assertEquals(Optional.empty(), ServiceTypes.readEphemeralRange(file));
        Files.writeString(file, "60999 32768\n");
        assertEquals(Optional.empty(), ServiceTypes.readEphemeralRange(file));
    }

    @Test
    void theMachinesOwnRangeIsRead() {
        Path proc = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(proc), "not Linux");
        // /proc reports a size of 0: a read that trusts the size gets a fragment
        assertTrue(ServiceTypes.readEphemeralRange(proc).isPresent());
    }

    @Test
    void countsSortTheWayTypesAreListedThenUnconfiguredOnesByName() {
        ServiceTypes types = catalog(Map.of("ml-model", "7000-7009"), Optional.empty());
        List<ServiceType> sorted = List.of(ServiceType.named("zeta"), ServiceType.named("ml-model"),
                ServiceType.named("alpha"), ServiceType.CUSTOM, ServiceType.REST_API).stream()
                .sorted(types.order()).toList();
        assertEquals(List.of("rest-api", "custom", "ml-model", "alpha", "zeta"),
                sorted.stream().map(ServiceType::wireName).toList());
        assertFalse(types.accepts(ServiceType.named("alpha")));
        assertTrue(types.accepts(ServiceType.named("ml-model")));
    }
}

package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two service types of the configuration's own, whose ranges overlap, a static reservation of one, and an ephemeral
 * port range of the test's (7000-7002) rather than the machine's, which lies among ml-model's ports only.
 */
public class ConfiguredTypesProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sirsi.ports.ranges.ml-model", "7000-7009",
                "sirsi.ports.ranges.ml-batch", "7005-7014",
                "sirsi.ports.static.model-store", "ml-batch:7014",
                "sirsi.ports.ephemeral-range-file", ephemeralRangeFile().toString());
    }

    private static Path ephemeralRangeFile() {
        try {
            Path file = Files.createTempFile("ip_local_port_range", "");
            file.toFile().deleteOnExit();
            return Files.writeString(file, "7000\t7002\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

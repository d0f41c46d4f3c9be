package io.sirsi.nexus.stork;

import io.sirsi.nexus.client.SirsiNexusClient;
import java.nio.file.Path;
import java.util.Arrays;

/** The registry client the discovery and the registrar build from their shared attributes. */
final class RegistryConnection {

    private RegistryConnection() {
    }

    /** A client of the comma-separated URLs, with the API key and the CA file when they are set. */
    static SirsiNexusClient client(String urls, String apiKey, String caFile) {
        SirsiNexusClient.Builder client = SirsiNexusClient.builder()
                .baseUrls(Arrays.stream(urls.split(",")).map(String::strip).filter(url -> !url.isEmpty())
                        .toArray(String[]::new))
                .apiKey(apiKey);
        if (blankToNull(caFile) != null) {
            client.trustedCertificates(Path.of(caFile.strip()));
        }
        return client.build();
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

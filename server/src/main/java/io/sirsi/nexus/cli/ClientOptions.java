package io.sirsi.nexus.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every client command shares: where the registry is, how to authenticate, how to print. */
public class ClientOptions {

    /** How results are printed. */
    public enum Format { table, json }

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:SIRSI_NEXUS_URL:-http://localhost:8080}",
            description = "Registry URL (default: $SIRSI_NEXUS_URL, else http://localhost:8080;"
                    + " now: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (json prints the registry's answer as it is).")
    Format output;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SIRSI_NEXUS_API_KEY}",
            description = "API key sent as a bearer token (default: $SIRSI_NEXUS_API_KEY).")
    String apiKey;

    /** Every client command's own help: the footers point at {@code ports COMMAND --help}. */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--cacert", paramLabel = "FILE", defaultValue = "${env:SIRSI_NEXUS_CACERT}",
            description = "PEM file of the CA certificate(s) to trust for an https:// registry, e.g. a private CA or a"
                    + " self-signed certificate (default: $SIRSI_NEXUS_CACERT, else the JDK's trusted CAs).")
    String caCert;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds to wait for the registry (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    RegistrySession session() {
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCode.USAGE, "--timeout must be at least 1 second");
        }
        checkApiKey();
        return new RegistrySession(baseUri(), Optional.ofNullable(apiKey).filter(key -> !key.isBlank()),
                Duration.ofSeconds(timeoutSeconds),
                Optional.ofNullable(caCert).filter(file -> !file.isBlank()).map(TrustedCertificates::load));
    }

    boolean json() {
        return output == Format.json;
    }

    /**
     * The key goes into a header, which takes visible ASCII only. A key that holds anything else is refused, never
     * altered: most often it is a secret file's last newline ({@code SIRSI_NEXUS_API_KEY=$(cat file)} strips it,
     * {@code $(<file)} too), and quietly sending a key other than the one given is no better than refusing it. The
     * message never shows the key.
     */
    private void checkApiKey() {
        if (apiKey == null) {
            return;
        }
        for (int i = 0; i < apiKey.length(); i++) {
            char c = apiKey.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                String what = c == '\n' || c == '\r' ? "a line break (as a key read from a file with its last newline"
                        + " does: strip it, e.g. \"$(cat FILE)\")" : c < 0x20 || c == 0x7f ? "a control character"
                        : "a character that is not ASCII";
                throw new CliException(ExitCode.USAGE, "the API key (--api-key or $SIRSI_NEXUS_API_KEY) holds "
                        + what + " at position " + (i + 1) + " of " + apiKey.length() + "; it is not sent");
            }
        }
    }

    /** --url: http(s)://HOST[:PORT][/PATH], nothing else (a query or a fragment would be lost on every request). */
    private URI baseUri() {
        String text = url.endsWith("/") ? url : url + "/";
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(url, "expected http(s)://HOST[:PORT]");
            }
            if (uri.getPort() > 65535 || uri.getPort() == 0) {
                throw invalidUrl("port " + uri.getPort() + " is not a port (1-65535)");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw invalidUrl("a registry URL has no query or fragment ('?' or '#')");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalidUrl("expected http(s)://HOST[:PORT], e.g. http://localhost:8080");
        }
    }

    private CliException invalidUrl(String why) {
        return new CliException(ExitCode.USAGE, "invalid --url '" + Arguments.shown(url) + "': " + why);
    }
}

package io.sirsi.nexus.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@code /proc} file whole. Not {@link Files#readString}: a {@code /proc} file states its size as 0, and
 * that method then returns only the first byte of, say, {@code ip_local_port_range}.
 */
final class ProcFiles {

    private ProcFiles() {
    }

    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

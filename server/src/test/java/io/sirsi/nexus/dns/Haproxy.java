package io.sirsi.nexus.dns;

import io.sirsi.nexus.Prerequisite;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's haproxy, 2.6) as a child process in the foreground, configured as README's HAProxy example:
 * one backend whose servers come from the registry's SRV records, re-resolved often and dropped soon after they
 * leave the answer.
 */
record Haproxy(Process process, int port, Path log) implements AutoCloseable {

    static final Path EXECUTABLE = Path.of("/usr/sbin/haproxy");

    /** Skips the test, saying why, where haproxy is missing; under CI that is a failure. */
    static void require() {
        Prerequisite.require(Files.isExecutable(EXECUTABLE),
                EXECUTABLE + " is missing: install Debian's haproxy package (.ci/run does)");
    }

    /** Listens on a free loopback port and balances over the instances of {@code service} the registry names. */
    static Haproxy start(Path dir, int dnsPort, String service) throws IOException {
        int port = RegistryProcess.freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 2m
                    timeout server 2m

                resolvers sirsi
                    nameserver registry 127.0.0.1:%1$d
                    accepted_payload_size 1232
                    timeout resolve 1s
                    # how often it asks again: HAProxy does not follow the TTL (its default is 10s)
                    hold valid 1s
                    # an instance gone from the answer is dropped this long after
                    hold obsolete 1s
                    # no instance offered (NXDOMAIN): its servers go this long after (default 30s)
                    hold nx 1s

                frontend web
                    bind 127.0.0.1:%2$d
                    default_backend %3$s

                backend %3$s
                    balance roundrobin
                    server-template %3$s 8 _%3$s._tcp.sirsi. resolvers sirsi resolve-prefer ipv4 init-addr none
                """.formatted(dnsPort, port, service));
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(EXECUTABLE.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Haproxy(process, port, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

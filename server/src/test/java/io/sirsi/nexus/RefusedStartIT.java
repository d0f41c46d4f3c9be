package io.sirsi.nexus;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.testing.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of start the registry refuses, on the packaged jar: the process says why in one line on stderr
 * ({@code sirsi-nexus: cannot start: ...}), exits non-zero, and prints no stack trace and no Java exception's
 * class name (the log's account of it is a line too); and no scheduled job runs on the store that never opened (last
 * round they logged null pointers among the refusal).
 */
class RefusedStartIT {

    private static final Pattern EXCEPTION_CLASS = Pattern.compile("\\b[A-Z]\\w*(Exception|Error)\\b");
    private static final String REFUSAL = "sirsi-nexus: cannot start: ";
    /** All that the last refused start printed, for the tests that look beyond its one line. */
    private static String lastOutput = "";

    @Test
    void aHostListWithoutTheDefaultHost() throws Exception {
        assertThat(refusedStart(fresh(), "-Dsirsi.ports.hosts=alpha,beta"),
                containsString("sirsi.ports.hosts=alpha,beta does not include sirsi.ports.host=localhost"));
    }

    @Test
    void aDnsPortAnotherProcessHolds() throws Exception {
        assertRefusedForHeldUdp(() -> {
            DatagramChannel holder = DatagramChannel.open(StandardProtocolFamily.INET);
            holder.bind(new InetSocketAddress(0));
            return holder;
        });
    }

    /**
     * A holder that shares its port (SO_REUSEPORT, as the registry's own sockets do): Linux would let the registry
     * join it without a word and split the queries between the two; the registry must see the port is taken.
     */
    @Test
    void aDnsPortAnotherProcessHoldsOpenToSharing() throws Exception {
        assertRefusedForHeldUdp(() -> {
            DatagramChannel holder = DatagramChannel.open(StandardProtocolFamily.INET);
            holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            holder.bind(new InetSocketAddress(0));
            return holder;
        });
    }

    private interface UdpHolder {
        DatagramChannel open() throws Exception;
    }

    /**
     * The registry listens on TCP first, then UDP on the same number: with the UDP port held, it must refuse naming
     * UDP. The TCP port of that number may be taken meanwhile by any connection of this busy machine (an ephemeral
     * port, CI found one): the registry then refuses naming TCP, truly, and the test takes another port.
     */
    private static void assertRefusedForHeldUdp(UdpHolder holders) throws Exception {
        String refusal = "";
        for (int attempt = 1; attempt <= 5; attempt++) {
            try (DatagramChannel holder = holders.open()) {
                int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();
                refusal = refusedStart(fresh(), "-Dsirsi.dns.port=" + port);
                if (!refusal.contains("cannot listen on 0.0.0.0:" + port + " (TCP)")) {
                    assertThat(refusal, containsString("sirsi.dns.port: cannot listen on 0.0.0.0:" + port + " (UDP)"));
                    return;
                }
            }
        }
        throw new AssertionError("five UDP ports held, and each time the TCP port of the same number was taken by"
                + " someone else first; the last refusal: " + refusal);
    }

    /**
     * The port is looked at before the store opens, so a refused start leaves no database behind; the log (what an
     * operator reads of a crash-looping pod) has the refusal as one ERROR line naming the port.
     */
    @Test
    void anHttpPortAnotherProcessHolds() throws Exception {
        try (java.net.ServerSocket holder = new java.net.ServerSocket(0)) {
            int port = holder.getLocalPort();
            Path dataDir = fresh();
            String inUse = "quarkus.http.port: port " + port + " is in use by another process";
            assertThat(refusedStart(dataDir, "-Dquarkus.http.port=" + port), containsString(inUse));
            assertThat("one ERROR line in the log names the port", lastOutput.lines()
                    .filter(line -> line.contains(" ERROR ") && line.contains(inUse)).count(), equalTo(1L));
            assertThat("only the refusal, no advice to kill -9 the holder", lastOutput,
                    not(containsString("kill -9")));
            assertThat(lastOutput, not(containsString("seems to be in use")));
            assertStoreUntouched(dataDir);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "sirsi.dns.host-addresses.\"node-a\" | banana | is not an IP address (write e.g. 10.0.0.7 or fd00::7)",
        "sirsi.dns.domain                     | .      | is not a domain name below the root",
        "sirsi.dns.ttl                        | -1s    | sirsi.dns.ttl must be 0s or more, got -1s",
        "sirsi.dns.max-tcp-connections        | 0      | sirsi.dns.max-tcp-connections must be at least 1, got 0",
        "sirsi.dns.tcp-timeout                | -5s    | sirsi.dns.tcp-timeout must be more than 0s, got -5s",
    })
    void aDnsSettingItCannotUse(String key, String value, String expected) throws Exception {
        Path dataDir = fresh();
        assertThat(refusedStart(dataDir, "-D" + key + "=" + value), containsString(expected));
        assertStoreUntouched(dataDir);
    }

    /**
     * A value the configuration layer cannot read (a duration, or one of our converters: a closed set, a range, a
     * static reservation) is refused there, in the one line that names the key, the value and what was expected.
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "sirsi.ports.heartbeat-timeout | banana     | ",
        "sirsi.ports.static.db         | database   | expected <type>:<port>",
        "sirsi.ports.strategy | first_free | is not valid: expected one of first-free, random, same-port, sticky",
        "sirsi.ports.store             | mysql      | is not valid: expected one of sqlite, postgresql",
        "sirsi.ports.ranges.ml-model   | 7000-70000 | invalid port range",
        "sirsi.ports.agents.not-listening-action | kill | is not valid: expected one of none, release",
        "quarkus.http.insecure-requests | sometimes | is not valid: expected one of redirect, disabled, enabled",
    })
    void aSettingItCannotRead(String key, String value, String expected) throws Exception {
        String line = refusedStart(fresh(), "-D" + key + "=" + value);
        assertThat(line, containsString(key + " with the config value \"" + value + "\""));
        assertThat("no Java class named", line, not(containsString("class ")));
        if (expected != null) {
            assertThat(line, containsString(expected));
        }
    }

    @Test
    void aStaticReservationOfATypeNotInTheCatalog() throws Exception {
        Path dataDir = fresh();
        assertThat(refusedStart(dataDir, "-Dsirsi.ports.static.db=nosuch:5432"),
                containsString("sirsi.ports.static.db=nosuch:5432: unknown service type"));
        assertStoreUntouched(dataDir);
    }

    /** The HTTPS files are read before the store opens; given the other way round, the refusal says so. */
    @Test
    void aCertificateAndKeyGivenSwapped() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(Files.createTempDirectory("sirsi-nexus-tls"));
        Path dataDir = fresh();
        String line = refusedStart(dataDir, "-Dquarkus.http.ssl-port=0",
                "-Dquarkus.http.ssl.certificate.files=" + tls.key(),
                "-Dquarkus.http.ssl.certificate.key-files=" + tls.cert());
        assertThat(line, containsString("quarkus.http.ssl.certificate.files: " + tls.key() + " holds a private key,"
                + " not a certificate"));
        assertStoreUntouched(dataDir);
    }

    @Test
    void aCertificateFileThatIsNotThere() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(Files.createTempDirectory("sirsi-nexus-tls"));
        Path dataDir = fresh();
        Path missing = dataDir.resolveSibling(dataDir.getFileName() + "-no-such-cert.pem");
        assertThat(refusedStart(dataDir, "-Dquarkus.http.ssl-port=0",
                "-Dquarkus.http.ssl.certificate.files=" + missing,
                "-Dquarkus.http.ssl.certificate.key-files=" + tls.key()),
                containsString("quarkus.http.ssl.certificate.files: cannot read " + missing));
        assertStoreUntouched(dataDir);
    }

    @Test
    void aDataDirectoryAnotherRegistryHolds() throws Exception {
        Path dataDir = fresh();
        try (RegistryProcess first = RegistryProcess.start(dataDir)) {
            assertThat(refusedStart(dataDir), containsString("another registry process (pid " + first.pid()));
            first.request().get("/ports/stats").then().statusCode(200);
        }
    }

    @Test
    void aCorruptDatabase() throws Exception {
        Path dataDir = fresh();
        Files.writeString(dataDir.resolve("registry.db"), "this is not an SQLite database at all, it was overwritten"
                + " by something else entirely, and it is long enough to have a header");
        assertThat(refusedStart(dataDir).toLowerCase(), containsString("not a database"));
    }

    @Test
    void aDatabaseFileItCannotOpen() throws Exception {
        Path dataDir = fresh();
        Files.createDirectory(dataDir.resolve("registry.db")); // root reads any file; a directory it cannot open
        assertThat(refusedStart(dataDir), containsString(dataDir.resolve("registry.db").toString()));
    }

    @Test
    void aMigrationThatDiffersFromTheOneApplied() throws Exception {
        Path dataDir = fresh();
        try (RegistryProcess once = RegistryProcess.start(dataDir)) {
            once.request().get("/ports/stats").then().statusCode(200);
        }
        try (Connection database = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("registry.db"));
                Statement statement = database.createStatement()) {
            assertEquals(1, statement.executeUpdate("update flyway_schema_history set checksum = checksum + 1"
                    + " where version = '1'"));
        }
        assertThat(refusedStart(dataDir), containsString("differs from the one applied"));
    }

    /** A start refused for a setting has not opened the store: no database made, none migrated. */
    static void assertStoreUntouched(Path dataDir) throws Exception {
        try (var files = Files.list(dataDir)) {
            assertEquals(List.of(), files.map(file -> file.getFileName().toString()).sorted().toList(),
                    "the refused start opened the store:\n" + lastOutput);
        }
    }

    private static Path fresh() throws Exception {
        return Files.createTempDirectory("sirsi-nexus-refused");
    }

    /** Starts the registry; it must refuse, and say why in one line and nothing like a trace. That line. */
    private static String refusedStart(Path dataDir, String... settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(RegistryProcess.javaExecutable(), "-Dquarkus.http.port=0",
                "-Dsirsi.ports.data-dir=" + dataDir, "-Dsirsi.ports.bind-check=false", "-Dsirsi.dns.port=0",
                // the jobs as often as the scheduler runs them, so one that ran before the store opened would show
                "-Dsirsi.ports.expiry-interval=100ms", "-Dsirsi.ports.cleanup-interval=100ms"));
        command.addAll(List.of(settings));
        command.addAll(List.of("-jar", RegistryProcess.jar().toString(), "start"));
        Path output = Files.createTempFile("sirsi-nexus-refused-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the registry started:\n" + Files.readString(output));
        }
        String said = Files.readString(output, StandardCharsets.UTF_8);
        lastOutput = said;
        assertNotEquals(0, process.exitValue(), said);
        List<String> refusals = said.lines().filter(line -> line.startsWith(REFUSAL)).toList();
        assertEquals(1, refusals.size(), "one line on stderr says why:\n" + said);
        assertFalse(said.contains("\tat "), "a stack trace:\n" + said);
        assertFalse(EXCEPTION_CLASS.matcher(said).find(), "a Java exception's name:\n" + said);
        return refusals.get(0);
    }
}

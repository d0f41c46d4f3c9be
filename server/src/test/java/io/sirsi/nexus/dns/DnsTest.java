package io.sirsi.nexus.dns;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sirsi.nexus.Metrics;
import io.sirsi.nexus.Registry;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DNS interface asked by a real client, {@code dig}: every name form and type, the
 * negative answers, truncation over UDP and the whole answer over TCP, refusal outside the zone.
 */
@QuarkusTest
@TestProfile(DnsProfile.class)
class DnsTest {

    @Inject
    DnsServer server;

    private int port;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
        port = server.port().orElseThrow();
    }

    private static int allocate(String name, String type, String host) {
        return Registry.allocate("{\"service_name\":\"" + name + "\",\"service_type\":\"" + type
                + "\",\"host\":\"" + host + "\"}").statusCode(200).extract().path("allocation.port");
    }

    private Dig.Answer dig(String... options) throws Exception {
        return Dig.query(port, options);
    }

    @Test
    void srvRecordsNameEveryInstanceWithItsHostsAddressesAlongside() throws Exception {
        int onA = allocate("orders", "rest-api", "node-a");
        int onLiteral = allocate("orders", "rest-api", "10.0.0.2");
        int onOwn = allocate("orders", "rest-api", "localhost");

        Dig.Answer srv = dig("orders.service.sirsi.", "SRV");
        assertEquals("NOERROR", srv.status());
        assertThat(srv.text(), srv.flags(), hasItem("aa"));
        assertThat(srv.answerData(), containsInAnyOrder("1 1 " + onA + " node-a.host.sirsi.",
                "1 1 " + onLiteral + " 10.0.0.2.host.sirsi.", "1 1 " + onOwn + " localhost.host.sirsi."));
        assertThat(srv.answer().get(0), startsWith("orders.service.sirsi. 7 IN SRV"));
        assertThat(srv.additional(), containsInAnyOrder(hasItemLike("node-a.host.sirsi. 7 IN A 10.0.0.1"),
                hasItemLike("node-a.host.sirsi. 7 IN AAAA fd00::1"),
                hasItemLike("10.0.0.2.host.sirsi. 7 IN A 10.0.0.2"),
                hasItemLike("localhost.host.sirsi. 7 IN A 127.0.0.1"),
                hasItemLike("localhost.host.sirsi. 7 IN AAAA ::1")));
        // EDNS0 answered with the size this server accepts
        assertTrue(srv.text().contains("; EDNS: version: 0, flags:; udp: 1232"), srv.text());

        // RFC 2782's form names the same instances
        assertThat(dig("_orders._tcp.sirsi.", "SRV").answerData(), containsInAnyOrder(srv.answerData().toArray()));
        // A and AAAA on a service: its hosts' addresses
        assertThat(dig("orders.service.sirsi.", "A").answerData(),
                containsInAnyOrder("10.0.0.1", "10.0.0.2", "127.0.0.1"));
        assertThat(dig("orders.service.sirsi.", "AAAA").answerData(), containsInAnyOrder("fd00::1", "::1"));
    }

    private static org.hamcrest.Matcher<String> hasItemLike(String prefix) {
        return startsWith(prefix);
    }

    @Test
    void aHostAndATypeNarrowTheInstances() throws Exception {
        int orders = allocate("orders", "rest-api", "node-a");
        allocate("orders", "rest-api", "node-b");
        int billing = allocate("billing", "rest-api", "node-a");
        allocate("sessions", "cache", "node-a");

        assertEquals(List.of("1 1 " + orders + " node-a.host.sirsi."),
                dig("orders.service.node-a.host.sirsi.", "SRV").answerData());
        assertEquals(List.of("1 1 " + orders + " node-a.host.sirsi."),
                dig("_orders._tcp.node-a.host.sirsi.", "SRV").answerData());
        assertThat(dig("rest-api.type.node-a.host.sirsi.", "SRV").answerData(), containsInAnyOrder(
                "1 1 " + orders + " node-a.host.sirsi.", "1 1 " + billing + " node-a.host.sirsi."));
        assertThat(dig("rest-api.type.sirsi.", "SRV").answerData(), hasSize(3));
        // a host without addresses: its name exists, with no A record (NODATA), and SRV still names it
        Dig.Answer noAddress = dig("node-b.host.sirsi.", "A");
        assertEquals("NOERROR", noAddress.status());
        assertEquals(List.of(), noAddress.answer());
    }

    @Test
    void rfc2782sProtocolLabelNarrowsTheInstancesToThoseOfThatProtocol() throws Exception {
        int api = allocate("ingest", "rest-api", "node-a");
        int datagrams = Registry.allocate("{\"service_name\":\"ingest\",\"service_type\":\"rest-api\","
                + "\"host\":\"node-b\",\"protocol\":\"udp\"}").statusCode(200).extract()
                .<Integer>path("allocation.port");
        Registry.allocate("{\"service_name\":\"syslog\",\"service_type\":\"custom\",\"host\":\"node-a\","
                + "\"protocol\":\"udp\"}").statusCode(200);

        assertEquals(List.of("1 1 " + api + " node-a.host.sirsi."), dig("_ingest._tcp.sirsi.", "SRV").answerData());
        assertEquals(List.of("1 1 " + datagrams + " node-b.host.sirsi."),
                dig("_ingest._udp.sirsi.", "SRV").answerData());
        assertEquals(List.of("1 1 " + datagrams + " node-b.host.sirsi."),
                dig("_ingest._udp.node-b.host.sirsi.", "SRV").answerData());
        // the service's own name offers every instance, whatever its protocol
        assertThat(dig("ingest.service.sirsi.", "SRV").answerData(), hasSize(2));
        // a UDP-only service has no TCP instance: that name does not exist
        assertEquals("NXDOMAIN", dig("_syslog._tcp.sirsi.", "SRV").status());
        assertThat(dig("_syslog._udp.sirsi.", "SRV").answerData(), hasSize(1));
    }

    @Test
    void aHostsNameIsAnsweredWithItsAddresses() throws Exception {
        allocate("orders", "rest-api", "node-a");
        allocate("orders", "rest-api", "10.0.0.2");
        allocate("orders", "rest-api", "fd00::9");

        assertEquals(List.of("10.0.0.1"), dig("node-a.host.sirsi.", "A").answerData());
        assertEquals(List.of("fd00::1"), dig("Node-A.Host.Sirsi.", "AAAA").answerData());
        assertEquals(List.of("10.0.0.2"), dig("10.0.0.2.host.sirsi.", "A").answerData());
        // an IPv6 host's name writes each ':' as '-'
        assertEquals(List.of("fd00::9"), dig("fd00--9.host.sirsi.", "AAAA").answerData());
        assertEquals(List.of("1 1 8080 fd00--9.host.sirsi."),
                dig("orders.service.fd00--9.host.sirsi.", "SRV").answerData());
    }

    private static void report(String host, String... addresses) {
        String listed = String.join(",", Arrays.stream(addresses).map(address -> "\"" + address + "\"").toList());
        io.restassured.RestAssured.given().contentType("application/json").body("{\"agent_version\":\"test\","
                + "\"scanned_at\":\"2026-12-05T01:00:00Z\",\"listeners\":[],\"addresses\":[" + listed + "]}")
                .post("/ports/hosts/" + host + "/report").then().statusCode(200);
    }

    @Test
    void aHostsAgentGivesTheAddressesItsNameIsAnsweredWith() throws Exception {
        int orders = allocate("orders", "rest-api", "node-r");
        report("node-r", "127.0.0.1", "10.9.0.7", "fe80::1", "::1", "fd00::7", "0.0.0.0", "224.0.0.1");

        // only what another machine can reach: no loopback, link-local, wildcard or multicast address
        assertEquals(List.of("10.9.0.7"), dig("node-r.host.sirsi.", "A").answerData());
        assertEquals(List.of("fd00::7"), dig("node-r.host.sirsi.", "AAAA").answerData());
        Dig.Answer srv = dig("orders.service.node-r.host.sirsi.", "SRV");
        assertEquals(List.of("1 1 " + orders + " node-r.host.sirsi."), srv.answerData());
        assertThat(srv.additionalData(), containsInAnyOrder("10.9.0.7", "fd00::7"));

        // the next report's addresses replace them in the next answer
        report("node-r", "10.9.0.8");
        assertEquals(List.of("10.9.0.8"), dig("node-r.host.sirsi.", "A").answerData());
        assertEquals(List.of(), dig("node-r.host.sirsi.", "AAAA").answerData());

        // a host that reports but holds nothing has a name too
        report("node-idle", "10.9.0.9");
        assertEquals(List.of("10.9.0.9"), dig("node-idle.host.sirsi.", "A").answerData());

        // the operator's configuration and a host's own address are never replaced by a report
        allocate("orders", "rest-api", "10.0.0.2");
        report("node-a", "10.9.9.9");
        report("10.0.0.2", "10.9.9.8");
        assertEquals(List.of("10.0.0.1"), dig("node-a.host.sirsi.", "A").answerData());
        assertEquals(List.of("10.0.0.2"), dig("10.0.0.2.host.sirsi.", "A").answerData());
    }

    @Test
    void aNameThatDoesNotExistIsNxdomainAndOneWithoutTheTypeIsNodataBothWithTheSoa() throws Exception {
        allocate("orders", "rest-api", "node-a");

        for (String[] question : List.of(new String[] {"ghost.service.sirsi.", "SRV"},
                new String[] {"nohost.host.sirsi.", "A"}, new String[] {"orders.service.nohost.host.sirsi.", "SRV"},
                new String[] {"nosuchtype.type.sirsi.", "SRV"}, new String[] {"www.sirsi.", "A"})) {
            Dig.Answer answer = dig(question);
            assertEquals("NXDOMAIN", answer.status(), answer.text());
            assertThat(answer.authority(), hasItem(startsWith("sirsi. 7 IN SOA sirsi. hostmaster.sirsi.")));
        }
        for (String[] question : List.of(new String[] {"orders.service.sirsi.", "TXT"},
                new String[] {"node-a.host.sirsi.", "SRV"}, new String[] {"service.sirsi.", "SRV"},
                new String[] {"host.sirsi.", "A"}, new String[] {"sirsi.", "A"})) {
            Dig.Answer answer = dig(question);
            assertEquals("NOERROR", answer.status(), answer.text());
            assertEquals(List.of(), answer.answer(), answer.text());
            assertThat(answer.authority(), hasItem(startsWith("sirsi. 7 IN SOA")));
        }
        assertThat(dig("sirsi.", "SOA").answer(), hasItem(startsWith("sirsi. 7 IN SOA sirsi. hostmaster.sirsi.")));
    }

    @Test
    void theNamesBetweenADottedServiceAndItsKeywordExistEmpty() throws Exception {
        allocate("api.v2", "rest-api", "node-a");

        assertEquals(1, dig("api.v2.service.sirsi.", "SRV").answer().size());
        assertEquals(1, dig("_api.v2._tcp.sirsi.", "SRV").answer().size());
        // empty non-terminals: NODATA, for a resolver that follows RFC 8020 takes NXDOMAIN to mean nothing is below
        for (String[] question : List.of(new String[] {"v2.service.sirsi.", "SRV"},
                new String[] {"v2._tcp.sirsi.", "SRV"}, new String[] {"v2.service.node-a.host.sirsi.", "SRV"})) {
            Dig.Answer answer = dig(question);
            assertEquals("NOERROR", answer.status(), answer.text());
            assertEquals(List.of(), answer.answer(), answer.text());
        }
        // not below a service there, or below nothing at all
        assertEquals("NXDOMAIN", dig("v2.service.node-b.host.sirsi.", "SRV").status());
        assertEquals("NXDOMAIN", dig("v3.service.sirsi.", "SRV").status());
        assertEquals("NXDOMAIN", dig("v3._tcp.sirsi.", "SRV").status());

        // every level between a deeper name and its keyword, and none once the name is gone
        String deeper = Registry.allocate("{\"service_name\":\"pay.eu.v3\",\"service_type\":\"rest-api\","
                + "\"host\":\"node-a\"}").statusCode(200).extract().path("allocation.allocation_id");
        assertEquals("NOERROR", dig("eu.v3.service.sirsi.", "SRV").status());
        assertEquals("NOERROR", dig("v3.service.sirsi.", "SRV").status());
        assertEquals("NXDOMAIN", dig("pay.v3.service.sirsi.", "SRV").status());
        Registry.release(deeper).statusCode(200);
        assertEquals("NXDOMAIN", dig("eu.v3.service.sirsi.", "SRV").status());
        assertEquals("NXDOMAIN", dig("v3.service.sirsi.", "SRV").status());
        assertEquals("NOERROR", dig("v2.service.sirsi.", "SRV").status());
    }

    @Test
    void theNamesBetweenADottedHostAndItsKeywordExistEmpty() throws Exception {
        allocate("orders", "rest-api", "10.0.0.2");
        allocate("orders", "rest-api", "node-1.example.com");

        // empty non-terminals of 10.0.0.2.host.sirsi. and node-1.example.com.host.sirsi.: NODATA with the SOA, for a
        // resolver that minimises its questions (RFC 9156) or follows RFC 8020 would otherwise see no host below
        for (String name : List.of("0.0.2.host.sirsi.", "0.2.host.sirsi.", "2.host.sirsi.", "example.com.host.sirsi.",
                "com.host.sirsi.")) {
            for (String type : List.of("A", "SRV")) {
                Dig.Answer answer = dig(name, type);
                assertEquals("NOERROR", answer.status(), answer.text());
                assertEquals(List.of(), answer.answer(), answer.text());
                assertThat(answer.text(), answer.authority(), hasItem(startsWith("sirsi. 7 IN SOA")));
            }
        }
        assertEquals(List.of("10.0.0.2"), dig("10.0.0.2.host.sirsi.", "A").answerData());
        // not a host's ancestor, nor a service's
        for (String name : List.of("3.host.sirsi.", "1.0.0.2.host.sirsi.", "example.org.host.sirsi.",
                "orders.service.0.0.2.host.sirsi.")) {
            assertEquals("NXDOMAIN", dig(name, "A").status(), name);
        }
    }

    @Test
    void aLabelWithADotInsideIsNoNameOfTheZoneAndItsQuestionIsEchoedAsAsked() throws Exception {
        allocate("orders", "rest-api", "node-a");
        allocate("orders", "rest-api", "10.0.0.2");

        // one label "orders.service", not the three labels of orders.service.sirsi.
        for (String[] question : List.of(new String[] {"orders\\.service.sirsi.", "SRV"},
                new String[] {"_orders\\._tcp.sirsi.", "SRV"}, new String[] {"10\\.0.0.2.host.sirsi.", "A"},
                new String[] {"orders.service.10\\.0.0.2.host.sirsi.", "SRV"},
                new String[] {"node\\\\a.host.sirsi.", "A"})) {
            Dig.Answer answer = dig(question);
            assertEquals("NXDOMAIN", answer.status(), answer.text());
            assertEquals(List.of(), answer.answer(), answer.text());
            assertThat(answer.text(), answer.authority(), hasItem(startsWith("sirsi. 7 IN SOA")));
            assertTrue(Pattern.compile("\n;" + Pattern.quote(question[0]) + "\\s").matcher(answer.text()).find(),
                    answer.text());
            assertTrue(!answer.text().contains("mismatch"), answer.text());
        }
        // a label "x.sirsi" is no name below the zone sirsi.
        assertEquals("REFUSED", dig("x\\.sirsi.", "A").status());
        assertEquals(2, dig("orders.service.sirsi.", "SRV").answer().size());
    }

    @Test
    void aZoneTransferIsRefused() throws Exception {
        allocate("orders", "rest-api", "node-a");

        // +comments: dig prints a transfer's status only when asked to
        for (String transfer : List.of("AXFR", "IXFR=1")) {
            Dig.Answer answer = dig("+tcp", "+comments", "sirsi.", transfer);
            assertEquals("REFUSED", answer.status(), answer.text());
            assertEquals(List.of(), answer.answer(), answer.text());
        }
    }

    @Test
    void anEdnsVersionItDoesNotSpeakIsBadversWithTheOneItDoes() throws Exception {
        allocate("orders", "rest-api", "node-a");

        // without negotiation, so that dig shows the first reply rather than retrying with version 0
        Dig.Answer later = dig("+edns=1", "+noednsnegotiation", "orders.service.sirsi.", "SRV");
        assertEquals("BADVERS", later.status(), later.text());
        assertEquals(List.of(), later.answer(), later.text());
        assertThat(later.text(), containsString("EDNS: version: 0"));
        assertEquals("NOERROR", dig("+edns=0", "orders.service.sirsi.", "SRV").status());
    }

    @Test
    void aReleasedInstanceIsNoLongerAnswered() throws Exception {
        String id = Registry.allocate("{\"service_name\":\"orders\",\"service_type\":\"rest-api\","
                + "\"host\":\"node-a\"}").statusCode(200).extract().path("allocation.allocation_id");
        assertEquals(1, dig("orders.service.sirsi.", "SRV").answer().size());
        Registry.release(id).statusCode(200);
        assertEquals("NXDOMAIN", dig("orders.service.sirsi.", "SRV").status());
    }

    @Test
    void namesOutsideTheZoneAreRefused() throws Exception {
        Dig.Answer answer = dig("example.com.", "A");
        assertEquals("REFUSED", answer.status());
        assertTrue(!answer.flags().contains("aa"), answer.text());
        assertEquals("REFUSED", dig("sirsi.example.", "SRV").status());
    }

    @Test
    void withoutApiKeysOnlyThisMachinesLoopbackIsAnswered() throws Exception {
        allocate("orders", "rest-api", "node-a");
        InetAddress own = nonLoopbackAddress();
        Dig.Answer fromNetwork = Dig.query(own.getHostAddress(), port, "orders.service.sirsi.", "SRV");
        assertEquals("REFUSED", fromNetwork.status(), fromNetwork.text());
        assertEquals(List.of(), fromNetwork.answer());
        assertEquals("NOERROR", dig("orders.service.sirsi.", "SRV").status());
    }

    /** An address of this machine that is not loopback: a query to it comes from it, as from the network. */
    private static InetAddress nonLoopbackAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(DnsTest::up).flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()).findFirst()
                .orElseThrow(() -> new org.opentest4j.TestAbortedException("no non-loopback IPv4 address here"));
    }

    private static boolean up(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (java.net.SocketException gone) {
            return false;
        }
    }

    @Test
    void instancesAreRotatedBetweenAnswers() throws Exception {
        allocate("orders", "rest-api", "node-a");
        allocate("orders", "rest-api", "node-b");
        allocate("orders", "rest-api", "node-c");
        String first = dig("orders.service.sirsi.", "SRV").answer().get(0);
        String second = dig("orders.service.sirsi.", "SRV").answer().get(0);
        assertNotEquals(first, second);
    }

    @Test
    void overUdpALargeAnswerIsTruncatedWithTcButNeverToNothingAndTcpGivesItWhole() throws Exception {
        IntStream.rangeClosed(1, 40).forEach(host -> allocate("wide", "rest-api", "node-" + host));

        Dig.Answer classic = dig("wide.service.sirsi.", "SRV", "+noedns", "+ignore");
        assertThat(classic.text(), classic.flags(), hasItem("tc"));
        assertTrue(classic.answer().size() >= 1 && classic.answer().size() < 40, classic.text());
        assertTrue(classic.text().contains("MSG SIZE  rcvd: "), classic.text());
        assertTrue(messageSize(classic) <= 512, classic.text());

        Dig.Answer small = dig("wide.service.sirsi.", "SRV", "+bufsize=512", "+ignore");
        assertThat(small.text(), small.flags(), hasItem("tc"));
        assertTrue(!small.answer().isEmpty() && messageSize(small) <= 512, small.text());

        Dig.Answer large = dig("wide.service.sirsi.", "SRV", "+bufsize=4096", "+ignore");
        assertTrue(large.answer().size() > small.answer().size() && messageSize(large) <= 1232, large.text());

        Dig.Answer tcp = dig("wide.service.sirsi.", "SRV", "+tcp");
        assertThat(tcp.text(), tcp.flags(), org.hamcrest.Matchers.not(hasItem("tc")));
        assertEquals(40, tcp.answer().size(), tcp.text());
        // without +ignore, dig itself retries a truncated answer over TCP and gets it whole
        assertEquals(40, dig("wide.service.sirsi.", "SRV").answer().size());
    }

    private static int messageSize(Dig.Answer answer) {
        String text = answer.text();
        String size = text.substring(text.indexOf("MSG SIZE  rcvd: ") + "MSG SIZE  rcvd: ".length()).strip();
        return Integer.parseInt(size.split("\\s")[0]);
    }

    @Test
    void aMalformedQueryGetsFormerrAsLongAsItsHeaderAndGarbageNothing() throws Exception {
        // a header that promises one question, and no question after it
        byte[] promise = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
        byte[] reply = exchange(promise);
        assertEquals(12, reply.length, Arrays.toString(reply));
        assertEquals(0x12, reply[0]);
        assertEquals(0x34, reply[1]);
        assertEquals(1, reply[3] & 0x0F, "FORMERR");
        assertTrue((reply[2] & 0x80) != 0, "a response");
        // shorter than a header: dropped, and the server still answers the next query
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, InetAddress.getLoopbackAddress(), port));
        }
        assertEquals("NOERROR", dig("sirsi.", "SOA").status());
    }

    private byte[] exchange(byte[] query) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(10_000);
            socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            socket.receive(answer);
            return Arrays.copyOf(answer.getData(), answer.getLength());
        }
    }

    @Test
    void aTcpClientThatSendsAMessageAByteAtATimeIsClosed() throws Exception {
        try (DnsOverTcp slow = new DnsOverTcp(port)) {
            slow.send((byte) 0x10, (byte) 0); // 4096 bytes, a length allowed: never whole at this pace
            // a byte more each time, well within any idle timeout; the whole message's deadline (10 s) closes it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    slow.send((byte) 0);
                } catch (java.io.IOException closed) {
                    return true;
                }
                return slow.closedWithin(10);
            });
        }
        try (DnsOverTcp prompt = new DnsOverTcp(port)) {
            assertTrue(prompt.askSoa().isPresent(), "a query sent whole is answered");
        }
    }

    @Test
    void queriesAreCountedByTypeAndResponseCode() throws Exception {
        allocate("orders", "rest-api", "node-a");
        Map<String, Double> before = Metrics.scrape();
        dig("orders.service.sirsi.", "SRV");
        dig("ghost.service.sirsi.", "SRV");
        dig("example.com.", "A");
        Map<String, Double> after = Metrics.scrape();
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_dns_queries_total{qtype=\"SRV\",rcode=\"NoError\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_dns_queries_total{qtype=\"SRV\",rcode=\"NXDomain\"}"));
        assertEquals(1.0, Metrics.delta(before, after, "sirsi_dns_queries_total{qtype=\"A\",rcode=\"Refused\"}"));
        assertEquals(0.0, Metrics.sum(after, "sirsi_dns_failures_total"));
    }
}

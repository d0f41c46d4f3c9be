package io.sirsi.nexus.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.AllocationStatus;
import io.sirsi.nexus.registry.ServiceType;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated packets sent to the DNS server's datagram handler: each gets one reply or none, never an
 * exception, and a reply to what is not a well-formed query is the 12-byte header alone, never longer than the
 * packet (so garbage from a forged address is never amplified). The handler runs as the server runs it, on a Netty
 * channel, with a fixed zone of a few instances.
 */
class DnsFuzzTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 8600);
    private static final int FORMERR = 1;
    private static final int NOTIMP = 4;
    private static final List<String> NAMES = List.of("orders.service.sirsi.", "_orders._tcp.sirsi.",
            "node-1.host.sirsi.", "rest-api.type.sirsi.", "orders.service.node-2.host.sirsi.", "sirsi.",
            "ghost.service.sirsi.", "example.com.", "service.sirsi.");
    private static final List<DnsRecordType> TYPES = List.of(DnsRecordType.A, DnsRecordType.AAAA,
            DnsRecordType.SRV, DnsRecordType.SOA, DnsRecordType.ANY, DnsRecordType.TXT, DnsRecordType.AXFR);

    private final AtomicInteger failures = new AtomicInteger();
    private final FixedZone zone = new FixedZone();
    private final EmbeddedChannel channel = new EmbeddedChannel(new DnsServer.UdpHandler(new QueryHandler(
            new ZoneAnswers(zone, HostAddressBook.of(Map.of("node-1", List.of("10.0.0.1", "fd00::1")),
                    zone::reportedAddresses), "sirsi.", 5), client -> true, new CountingObserver(failures))));

    @Property(tries = 3000)
    void randomPacketsGetOneReplyOrNoneAndNeverALargerOne(@ForAll @Size(max = 700) byte[] packet) {
        sendAndCheck(packet);
    }

    @Property(tries = 3000)
    void mutatedQueriesGetOneReplyOrNone(@ForAll("mutatedQueries") byte[] packet) {
        sendAndCheck(packet);
    }

    @Provide
    Arbitrary<byte[]> mutatedQueries() {
        Arbitrary<byte[]> valid = Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(TYPES),
                Arbitraries.integers().between(0, 0xFFFF), Arbitraries.of(false, true)).as(DnsFuzzTest::query);
        Arbitrary<List<int[]>> flips = Arbitraries.integers().between(0, 511).list().ofMaxSize(2).flatMap(
                positions -> Arbitraries.integers().between(0, 255).list().ofSize(positions.size()).map(values ->
                        IntStream.range(0, positions.size()).mapToObj(i -> new int[] {positions.get(i),
                                values.get(i)}).toList()));
        return Combinators.combine(valid, flips, Arbitraries.integers().between(-20, 20)).as((query, changes, cut) -> {
            byte[] mutated = java.util.Arrays.copyOf(query, Math.max(0, query.length + cut));
            for (int[] change : changes) {
                if (mutated.length > 0) {
                    mutated[change[0] % mutated.length] = (byte) change[1];
                }
            }
            return mutated;
        });
    }

    private void sendAndCheck(byte[] packet) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(packet), SERVER, CLIENT));
        channel.runPendingTasks();
        channel.checkException();
        assertEquals(0, failures.get(), "the handler failed; see the log");
        DatagramPacket reply = channel.readOutbound();
        if (reply == null) {
            return;
        }
        try {
            assertNull(channel.readOutbound(), "more than one reply to one packet");
            ByteBuf content = reply.content();
            assertTrue(packet.length >= 12, "a reply to a packet shorter than a header");
            assertEquals(packet[0] & 0xFF, content.getUnsignedByte(0), "the reply's id is the query's");
            assertEquals(packet[1] & 0xFF, content.getUnsignedByte(1), "the reply's id is the query's");
            assertTrue(content.readableBytes() <= ReplyEncoder.MAX_UDP_SIZE, "a reply larger than UDP allows");
            int code = content.getUnsignedByte(3) & 0x0F;
            if (code == FORMERR || code == NOTIMP) {
                assertEquals(12, content.readableBytes(), "an error reply to garbage is its header alone");
            }
            assertEquals(CLIENT, reply.recipient());
        } finally {
            reply.release();
        }
    }

    /** A well-formed query, encoded by the codec a client would use. */
    private static byte[] query(String name, DnsRecordType type, int id, boolean edns) {
        EmbeddedChannel client = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        DatagramDnsQuery query = new DatagramDnsQuery(CLIENT, SERVER, id);
        query.setRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        if (edns) {
            query.addRecord(DnsSection.ADDITIONAL, new DefaultDnsRawRecord(".", DnsRecordType.OPT, 4096, 0,
                    Unpooled.EMPTY_BUFFER));
        }
        client.writeOutbound(query);
        DatagramPacket packet = client.readOutbound();
        byte[] bytes = new byte[packet.content().readableBytes()];
        packet.content().readBytes(bytes);
        packet.release();
        client.finishAndReleaseAll();
        return bytes;
    }

    private static final class FixedZone implements DnsDirectory {

        private final List<Allocation> orders = IntStream.rangeClosed(1, 30).mapToObj(host -> new Allocation(
                UUID.randomUUID(), "node-" + host, 8080, "orders", ServiceType.REST_API, Optional.empty(),
                Instant.EPOCH, Instant.EPOCH, AllocationStatus.ACTIVE)).toList();

        @Override
        public CompletionStage<Void> fresh() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<List<Allocation>> instances(String serviceName) {
            return CompletableFuture.completedFuture(serviceName.equals("orders") ? orders : List.of());
        }

        @Override
        public CompletionStage<Boolean> offersServiceBelow(String suffix, Optional<String> host) {
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletionStage<List<Allocation>> instancesOfType(String typeName) {
            return CompletableFuture.completedFuture(typeName.equals("rest-api") ? orders : List.of());
        }

        @Override
        public List<String> hosts() {
            return orders.stream().map(Allocation::host).toList();
        }

        @Override
        public List<String> reportedAddresses(String host) {
            return host.equals("node-2") ? List.of("10.0.0.2", "fd00::2") : List.of();
        }

        @Override
        public Collection<String> reportingHosts() {
            return List.of("node-2", "node-31");
        }

        @Override
        public long addressesVersion() {
            return 1;
        }

        @Override
        public long revision() {
            return 42;
        }
    }

    private record CountingObserver(AtomicInteger failures) implements DnsObserver {

        @Override
        public void answered(String queryType, String responseCode) {
        }

        @Override
        public void failed() {
            failures.incrementAndGet();
        }
    }
}

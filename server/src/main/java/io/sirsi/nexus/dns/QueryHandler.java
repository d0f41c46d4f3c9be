package io.sirsi.nexus.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One DNS message in, at most one reply out, the same over UDP and TCP. What is not a query gets nothing: a packet
 * shorter than a DNS header, or a response (answering one could set two servers answering each other). A query the
 * codec cannot read, or with other than one question or more than one OPT record, gets FORMERR; an opcode other than
 * QUERY gets NOTIMP. Those error replies are the header alone, no longer than the packet they answer, so garbage
 * sent from a forged address is never amplified. A question name with other than printable ASCII is FORMERR too:
 * no name in the zone has such characters. The name is read by {@link WireNames}, its labels kept, and echoed so. A
 * client {@link DnsClients} does not admit gets REFUSED. Answers are read from the registry without blocking, and
 * written from the channel's event loop.
 */
final class QueryHandler {

    private static final Logger LOG = Logger.getLogger(QueryHandler.class);
    /** The EDNS version this server speaks (RFC 6891); a query of a later one is BADVERS. */
    private static final int EDNS_VERSION = 0;
    private static final int HEADER_SIZE = 12;
    private static final int RESPONSE_FLAG = 0x8000;
    private static final int OPCODE_QUERY = 0;
    /** The query types the meter names; any other is counted as OTHER, so that a client cannot mint series. */
    private static final Set<DnsRecordType> METERED = Set.of(DnsRecordType.A, DnsRecordType.AAAA,
            DnsRecordType.SRV, DnsRecordType.SOA, DnsRecordType.NS, DnsRecordType.ANY, DnsRecordType.TXT,
            DnsRecordType.PTR, DnsRecordType.CNAME, DnsRecordType.MX, DnsRecordType.HTTPS, DnsRecordType.AXFR,
            DnsRecordType.IXFR);

    private final ZoneAnswers answers;
    private final DnsClients clients;
    private final DnsObserver observer;
    private final QueryDecoder decoder = new QueryDecoder();
    private final ReplyEncoder encoder = new ReplyEncoder();

    QueryHandler(ZoneAnswers answers, DnsClients clients, DnsObserver observer) {
        this.answers = answers;
        this.clients = clients;
        this.observer = observer;
    }

    /**
     * Answers the message through {@code send}, or drops it.
     *
     * @param tcp over TCP the reply may be whole; over UDP it is fitted to the size the query offers
     */
    void handle(ChannelHandlerContext context, ByteBuf message, InetSocketAddress sender, boolean tcp,
            Consumer<ByteBuf> send) {
        int start = message.readerIndex();
        // the header's first two fields, read before the codec so that a reply needs no more of a bad packet
        if (message.readableBytes() < HEADER_SIZE || (message.getUnsignedShort(start + 2) & RESPONSE_FLAG) != 0) {
            return;
        }
        int id = message.getUnsignedShort(start);
        int opcode = message.getUnsignedShort(start + 2) >>> 11 & 0xF;
        if (opcode != OPCODE_QUERY) {
            reply(context, Query.unreadable(id), Reply.error(DnsResponseCode.NOTIMP), "NONE", tcp, send);
            return;
        }
        Optional<Query> query = read(context, message.duplicate(), start, sender);
        if (query.isEmpty() || query.get().question().isEmpty()) {
            reply(context, Query.unreadable(id), Reply.error(DnsResponseCode.FORMERR), "NONE", tcp, send);
            return;
        }
        Query.Question question = query.get().question().get();
        String type = METERED.contains(question.type()) ? question.type().name() : "OTHER";
        if (!clients.admits(sender.getAddress())) {
            reply(context, query.get(), Reply.error(DnsResponseCode.REFUSED), type, tcp, send);
            return;
        }
        if (query.get().ednsVersion() > EDNS_VERSION) {
            // RFC 6891 6.1.3: a version this server does not speak is BADVERS, with the version it does speak
            reply(context, query.get(), Reply.error(DnsResponseCode.BADVERS_OR_BADSIG), type, tcp, send);
            return;
        }
        answers.answer(question.name(), question.type(), question.questionClass()).whenComplete(
                (reply, failure) -> onEventLoop(context, () -> {
                    if (failure != null) {
                        LOG.warnf("DNS: no answer for %s: %s", question.name(), failure.getMessage());
                    }
                    reply(context, query.get(), failure == null ? reply : Reply.error(DnsResponseCode.SERVFAIL),
                            type, tcp, send);
                }));
    }

    /** Runs at once when the answer came on the channel's event loop (from memory), else hands it there. */
    private static void onEventLoop(ChannelHandlerContext context, Runnable task) {
        if (context.executor().inEventLoop()) {
            task.run();
        } else {
            context.executor().execute(task);
        }
    }

    /** The query, or empty when the codec cannot read it or it breaks a rule of RFC 1035 or RFC 6891. */
    private Optional<Query> read(ChannelHandlerContext context, ByteBuf message, int start,
            InetSocketAddress sender) {
        DnsQuery decoded;
        try {
            decoded = decoder.read(context, new DatagramPacket(message.duplicate(), sender, sender));
        } catch (Exception unreadable) {
            return Optional.empty();
        }
        try {
            if (decoded.count(DnsSection.QUESTION) != 1) {
                return Optional.of(Query.unreadable(decoded.id()));
            }
            DnsQuestion question = decoded.recordAt(DnsSection.QUESTION);
            // the codec joins labels with dots, one inside a label too: the name is read again with its labels
            String name = WireNames.read(message, start, HEADER_SIZE);
            if (!printable(name)) {
                return Optional.of(Query.unreadable(decoded.id())); // no name of the zone, and not one to echo
            }
            List<DnsRecord> options = new ArrayList<>();
            for (int i = 0; i < decoded.count(DnsSection.ADDITIONAL); i++) {
                DnsRecord record = decoded.recordAt(DnsSection.ADDITIONAL, i);
                if (record.type() == DnsRecordType.OPT) {
                    options.add(record);
                }
            }
            if (options.size() > 1 || (options.size() == 1 && !options.get(0).name().equals("."))) {
                return Optional.empty();
            }
            // an OPT record's class is the UDP size its sender accepts
            OptionalInt ednsSize = options.isEmpty() ? OptionalInt.empty() : OptionalInt.of(options.get(0).dnsClass());
            // and its TTL carries the extended RCODE, the EDNS version and the flags (RFC 6891 6.1.3)
            int ednsVersion = options.isEmpty() ? 0 : (int) (options.get(0).timeToLive() >>> 16 & 0xFF);
            return Optional.of(new Query(decoded.id(), decoded.isRecursionDesired(), Optional.of(
                    new Query.Question(name, question.type(), question.dnsClass())), ednsSize, ednsVersion));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        } finally {
            ReferenceCountUtil.release(decoded);
        }
    }

    /** Whether every character of the name is printable ASCII, as every name this server answers for is. */
    private static boolean printable(String name) {
        return name.chars().allMatch(c -> c > ' ' && c < 0x7F);
    }

    private void reply(ChannelHandlerContext context, Query query, Reply reply, String type, boolean tcp,
            Consumer<ByteBuf> send) {
        try {
            send.accept(encoder.fitted(context, query, reply,
                    tcp ? ReplyEncoder.MAX_TCP_SIZE : ReplyEncoder.udpLimit(query)));
            observer.answered(type, codeName(reply.code()));
        } catch (Exception | LinkageError unexpected) {
            failed(unexpected);
        }
    }

    /** A defect: logged, and counted so that a test or an alert sees it. */
    void failed(Throwable unexpected) {
        observer.failed();
        LOG.error("DNS: could not answer a query", unexpected);
    }

    private static String codeName(DnsResponseCode code) {
        return switch (code.intValue()) {
            case 0 -> "NoError";
            case 1 -> "FormErr";
            case 2 -> "ServFail";
            case 3 -> "NXDomain";
            case 4 -> "NotImp";
            case 5 -> "Refused";
            case 16 -> "BadVers";
            default -> "Other";
        };
    }

    /** The codec's datagram decoder, whose one method it keeps for subclasses. */
    private static final class QueryDecoder extends DatagramDnsQueryDecoder {

        DnsQuery read(ChannelHandlerContext context, DatagramPacket packet) throws Exception {
            List<Object> out = new ArrayList<>(1);
            decode(context, packet, out);
            return (DnsQuery) out.get(0);
        }
    }
}

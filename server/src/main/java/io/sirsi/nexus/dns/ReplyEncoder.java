package io.sirsi.nexus.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a {@link Reply} with the codec, fitted into the size the transport allows. What does not fit goes in this
 * order: first the additional records (the targets' addresses, which a client can ask for; RFC 2181 9 sets no TC
 * for them), then answers from the end, with TC set so that the client asks again over TCP, but never the last
 * answer: a truncated answer still carries at least one instance (Consul's DNS truncated to none, consul#375).
 */
final class ReplyEncoder extends DatagramDnsResponseEncoder {

    /** The size every reply fits in without EDNS0 (RFC 1035). */
    static final int CLASSIC_UDP_SIZE = 512;
    /** The most this server sends over UDP whatever a client offers: no IP fragments (DNS flag day 2020). */
    static final int MAX_UDP_SIZE = 1232;
    /** A DNS message over TCP has a 16-bit length. */
    static final int MAX_TCP_SIZE = 65535;
    /** The codec wants addresses on a datagram reply; the bytes it encodes do not depend on them. */
    private static final InetSocketAddress UNUSED = new InetSocketAddress(0);

    ReplyEncoder() {
        super(WireNames.ENCODER); // names written with their labels kept, the question as it was asked
    }

    /** The UDP size a reply to this query may have: 512 without EDNS0, what it offers within 512 to 1232 with. */
    static int udpLimit(Query query) {
        return query.ednsSize().isEmpty() ? CLASSIC_UDP_SIZE
                : Math.max(CLASSIC_UDP_SIZE, Math.min(MAX_UDP_SIZE, query.ednsSize().getAsInt()));
    }

    /** The reply's bytes, at most {@code limit} long unless one answer alone is longer. */
    ByteBuf fitted(ChannelHandlerContext context, Query query, Reply reply, int limit) throws Exception {
        ByteBuf whole = encodeOnce(context, query, reply, reply.answers().size(), true);
        if (whole.readableBytes() <= limit) {
            return whole;
        }
        whole.release();
        ByteBuf withoutAdditional = encodeOnce(context, query, reply, reply.answers().size(), false);
        if (withoutAdditional.readableBytes() <= limit || reply.answers().size() <= 1) {
            return withoutAdditional;
        }
        withoutAdditional.release();
        int fits = 1; // the most answers known to fit (or one, which is always sent)
        int tooMany = reply.answers().size();
        while (tooMany - fits > 1) {
            int tried = (fits + tooMany) >>> 1;
            ByteBuf candidate = encodeOnce(context, query, reply, tried, false);
            boolean fitted = candidate.readableBytes() <= limit;
            candidate.release();
            if (fitted) {
                fits = tried;
            } else {
                tooMany = tried;
            }
        }
        return encodeOnce(context, query, reply, fits, false);
    }

    private ByteBuf encodeOnce(ChannelHandlerContext context, Query query, Reply reply, int answers,
            boolean additional) throws Exception {
        // an RCODE above 15 (BADVERS) keeps its low four bits in the header and the rest in the OPT record's TTL
        int code = reply.code().intValue();
        DatagramDnsResponse response = new DatagramDnsResponse(UNUSED, UNUSED, query.id(), DnsOpCode.QUERY,
                code > 15 ? DnsResponseCode.valueOf(code & 0xF) : reply.code());
        response.setAuthoritativeAnswer(reply.authoritative());
        response.setRecursionDesired(query.recursionDesired());
        response.setTruncated(answers < reply.answers().size());
        query.question().ifPresent(question -> response.addRecord(DnsSection.QUESTION,
                new DefaultDnsQuestion(question.name(), question.type(), question.questionClass())));
        reply.answers().subList(0, answers).forEach(record -> response.addRecord(DnsSection.ANSWER,
                record.toRecord()));
        reply.authority().forEach(record -> response.addRecord(DnsSection.AUTHORITY, record.toRecord()));
        if (additional) {
            reply.additional().forEach(record -> response.addRecord(DnsSection.ADDITIONAL, record.toRecord()));
        }
        if (query.ednsSize().isPresent()) {
            // RFC 6891: the OPT record says what this server accepts over UDP
            response.addRecord(DnsSection.ADDITIONAL, new DefaultDnsRawRecord(".", DnsRecordType.OPT,
                    MAX_UDP_SIZE, (long) (code >>> 4) << 24, Unpooled.EMPTY_BUFFER));
        }
        List<Object> out = new ArrayList<>(1);
        try {
            @SuppressWarnings("unchecked") // a DatagramDnsResponse is an envelope of itself, a DnsResponse
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
                    (AddressedEnvelope<DnsResponse, InetSocketAddress>) (AddressedEnvelope<?, ?>) response;
            super.encode(context, envelope, out);
        } finally {
            ReferenceCountUtil.release(response);
        }
        DatagramPacket packet = (DatagramPacket) out.get(0);
        ByteBuf content = packet.content().retain();
        packet.release();
        return content;
    }
}

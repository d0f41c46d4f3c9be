package io.sirsi.nexus.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One resource record: owner name, type, TTL and its data, kept as bytes so that a reply can be encoded again
 * (shorter) when it does not fit. The codec has no SRV or SOA record, so their data are laid out here, field by
 * field as RFC 2782 and RFC 1035 give them, with {@link WireNames} writing every name.
 */
record RecordData(String name, DnsRecordType type, long ttl, byte[] data) {

    /** A record for the codec to encode; a new one each time, since an encoded record is released. */
    DnsRecord toRecord() {
        return new DefaultDnsRawRecord(name, type, ttl, Unpooled.wrappedBuffer(data));
    }

    static RecordData address(String name, long ttl, InetAddress address) {
        return new RecordData(name, address instanceof Inet4Address ? DnsRecordType.A : DnsRecordType.AAAA, ttl,
                address.getAddress());
    }

    /** RFC 2782: priority, weight, port, target. */
    static RecordData srv(String name, long ttl, int priority, int weight, int port, String target) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(priority).writeShort(weight).writeShort(port);
        WireNames.write(target, data);
        return new RecordData(name, DnsRecordType.SRV, ttl, bytes(data));
    }

    /** RFC 1035 3.3.13: primary server, mailbox, serial, refresh, retry, expire, minimum (the negative TTL). */
    static RecordData soa(String zone, long ttl, long serial, long minimum) {
        ByteBuf data = Unpooled.buffer();
        WireNames.write(zone, data);
        WireNames.write("hostmaster." + zone, data);
        data.writeInt((int) serial).writeInt(3600).writeInt(600).writeInt(86400).writeInt((int) minimum);
        return new RecordData(zone, DnsRecordType.SOA, ttl, bytes(data));
    }

    private static byte[] bytes(ByteBuf data) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        return bytes;
    }
}

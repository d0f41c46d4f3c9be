package io.sirsi.nexus.dns;

import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;

/**
 * An answer before it is encoded: the response code, whether this server is the authority for the name, and the
 * three sections. Encoded by {@link ReplyEncoder}, which fits it into the size the transport allows.
 */
record Reply(DnsResponseCode code, boolean authoritative, List<RecordData> answers, List<RecordData> authority,
        List<RecordData> additional) {

    static Reply error(DnsResponseCode code) {
        return new Reply(code, false, List.of(), List.of(), List.of());
    }
}

package io.sirsi.nexus.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a reply needs of the query it answers, read out of the decoded message (which is released at once): its id,
 * the recursion-desired flag to echo, its one question, and the UDP size and EDNS version its OPT record gives, if
 * it has one.
 */
record Query(int id, boolean recursionDesired, Optional<Question> question, OptionalInt ednsSize, int ednsVersion) {

    /** The query's question, echoed in the reply. */
    record Question(String name, DnsRecordType type, int questionClass) {
    }

    /** A query of which only the id could be read: answered with its header alone. */
    static Query unreadable(int id) {
        return new Query(id, false, Optional.empty(), OptionalInt.empty(), 0);
    }
}

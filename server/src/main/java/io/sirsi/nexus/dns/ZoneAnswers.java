package io.sirsi.nexus.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.sirsi.nexus.registry.Allocation;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answer to one question in the zone, from the registry's index: SRV records for instances with their hosts'
 * addresses as additional records, A/AAAA records for hosts, the SOA at the apex and in every negative answer
 * (RFC 2308). A name that exists without the type asked is NODATA (no error, no answer); one that does not exist is
 * NXDOMAIN; one outside the zone is REFUSED, and so is a zone transfer (AXFR, IXFR).
 */
final class ZoneAnswers {

    /** Every instance is equal: clients pick among them at random, weighted alike (RFC 2782). */
    private static final int PRIORITY = 1;
    private static final int WEIGHT = 1;
    private static final int CLASS_IN = 1;
    private static final int CLASS_ANY = 255;
    /** At most this many answers are kept; beyond, all are dropped and kept again as questions come. */
    private static final int MAX_REMEMBERED = 10_000;

    private final DnsDirectory directory;
    private final HostAddressBook addresses;
    private final String zone;
    private final long ttl;
    /** Which instance comes first: each answer starts one further, so that clients that take the first spread. */
    private final AtomicInteger rotation = new AtomicInteger();
    /** The last answer to each question, while the registry's revision stays what it was read at. */
    private final Map<String, Remembered> replies = new ConcurrentHashMap<>();

    ZoneAnswers(DnsDirectory directory, HostAddressBook addresses, String zone, long ttlSeconds) {
        this.directory = directory;
        this.addresses = addresses;
        this.zone = zone.toLowerCase(Locale.ROOT);
        this.ttl = ttlSeconds;
    }

    String zone() {
        return zone;
    }

    /**
     * The answer, as fresh as every read of the registry: the one given to the same question (same spelling, type
     * and class) is reused while the registry's revision and the hosts' reported addresses are unchanged, rotated
     * again; any commit or new address makes it stale.
     */
    CompletionStage<Reply> answer(String questionName, DnsRecordType type, int questionClass) {
        String question = questionName + ' ' + type.intValue() + ' ' + questionClass;
        return directory.fresh().thenCompose(fresh -> {
            long revision = directory.revision(); // read before the index: an answer is never older than its label
            long addressesVersion = directory.addressesVersion();
            Remembered remembered = replies.get(question);
            if (remembered != null && remembered.revision() == revision
                    && remembered.addressesVersion() == addressesVersion) {
                return done(rotated(remembered.reply()));
            }
            return answerNow(questionName, type, questionClass).thenApply(reply -> {
                if (replies.size() >= MAX_REMEMBERED) {
                    replies.clear(); // clients choose the names: what is kept must stay bounded
                }
                replies.put(question, new Remembered(revision, addressesVersion, reply));
                return rotated(reply);
            });
        });
    }

    /** An answer and the revision and hosts' addresses it was read at. */
    private record Remembered(long revision, long addressesVersion, Reply reply) {
    }

    private CompletionStage<Reply> answerNow(String questionName, DnsRecordType type, int questionClass) {
        String name = questionName.toLowerCase(Locale.ROOT);
        if (questionClass != CLASS_IN && questionClass != CLASS_ANY) {
            return done(Reply.error(DnsResponseCode.REFUSED));
        }
        if (type == DnsRecordType.AXFR || type == DnsRecordType.IXFR) {
            // no zone transfer: the zone is read name by name from the index (CoreDNS without transfer: REFUSED)
            return done(Reply.error(DnsResponseCode.REFUSED));
        }
        ZoneName meaning = ZoneName.parse(name, zone, hostsByLabel());
        if (meaning instanceof ZoneName.Outside) {
            return done(Reply.error(DnsResponseCode.REFUSED));
        }
        if (meaning instanceof ZoneName.HostName host) {
            return done(hostAnswer(questionName, type, host.host()));
        }
        if (meaning instanceof ZoneName.Instances instances) {
            Optional<String> serviceName = instances.byType() ? Optional.empty() : Optional.of(instances.name());
            return select(instances).thenCompose(found -> found.isEmpty() ? absent(serviceName, instances.host())
                    : done(instancesAnswer(questionName, type, found)));
        }
        if (meaning instanceof ZoneName.Below below) {
            return absent(Optional.of(below.suffix()), below.host());
        }
        if (meaning instanceof ZoneName.Apex && (type == DnsRecordType.SOA || type == DnsRecordType.ANY)) {
            return done(positive(List.of(soa()), List.of()));
        }
        return done(meaning instanceof ZoneName.Unknown ? negative(DnsResponseCode.NXDOMAIN) : noData());
    }

    /**
     * A name with no instance: NXDOMAIN, unless it is an empty non-terminal (a dotted service name below it is
     * offered), which exists and so is NODATA; a resolver that follows RFC 8020 would take NXDOMAIN to mean that
     * nothing below the name exists either.
     */
    private CompletionStage<Reply> absent(Optional<String> serviceSuffix, Optional<String> host) {
        if (serviceSuffix.isEmpty()) {
            return done(negative(DnsResponseCode.NXDOMAIN));
        }
        return directory.offersServiceBelow(serviceSuffix.get(), host)
                .thenApply(below -> below ? noData() : negative(DnsResponseCode.NXDOMAIN));
    }

    private Reply hostAnswer(String owner, DnsRecordType type, String host) {
        List<RecordData> records = addressRecords(owner, List.of(host), type);
        return records.isEmpty() ? noData() : positive(records, List.of());
    }

    private Reply instancesAnswer(String owner, DnsRecordType type, List<Allocation> instances) {
        List<String> hosts = List.copyOf(new LinkedHashSet<>(instances.stream().map(Allocation::host).toList()));
        if (type == DnsRecordType.SRV || type == DnsRecordType.ANY) {
            List<RecordData> services = instances.stream().map(instance -> RecordData.srv(owner, ttl, PRIORITY,
                    WEIGHT, instance.port(), target(instance.host()))).toList();
            List<RecordData> targets = new ArrayList<>();
            for (String host : hosts) {
                targets.addAll(addressRecords(target(host), List.of(host), DnsRecordType.ANY));
            }
            return positive(services, targets);
        }
        List<RecordData> records = addressRecords(owner, hosts, type);
        return records.isEmpty() ? noData() : positive(records, List.of());
    }

    /** The hosts' addresses of the type asked (both for ANY), each once, owned by the name asked. */
    private List<RecordData> addressRecords(String owner, List<String> hosts, DnsRecordType type) {
        LinkedHashSet<InetAddress> found = new LinkedHashSet<>();
        for (String host : hosts) {
            for (InetAddress address : addresses.addresses(host)) {
                boolean v4 = address instanceof Inet4Address;
                if (type == DnsRecordType.ANY || (v4 ? type == DnsRecordType.A : type == DnsRecordType.AAAA)) {
                    found.add(address);
                }
            }
        }
        return found.stream().map(address -> RecordData.address(owner, ttl, address)).toList();
    }

    private CompletionStage<List<Allocation>> select(ZoneName.Instances instances) {
        CompletionStage<List<Allocation>> all = instances.byType() ? directory.instancesOfType(instances.name())
                : directory.instances(instances.name());
        if (instances.host().isEmpty() && instances.protocol().isEmpty()) {
            return all;
        }
        return all.thenApply(found -> found.stream()
                .filter(allocation -> instances.host().map(allocation.host()::equals).orElse(true))
                .filter(allocation -> instances.protocol().map(allocation.protocol()::equals).orElse(true))
                .toList());
    }

    /** The reply with its answers rotated one further than the last reply's. */
    private Reply rotated(Reply reply) {
        if (reply.answers().size() < 2) {
            return reply;
        }
        List<RecordData> answers = new ArrayList<>(reply.answers());
        Collections.rotate(answers, -Math.floorMod(rotation.getAndIncrement(), answers.size()));
        return new Reply(reply.code(), reply.authoritative(), answers, reply.authority(), reply.additional());
    }

    /** The host's name in the zone, the target of its SRV records. */
    private String target(String host) {
        return HostAddressBook.label(host) + ".host." + zone;
    }

    /** The known hosts by their label in the zone, gathered only if the name has a host in it. */
    private ZoneName.KnownHosts hostsByLabel() {
        return new ZoneName.KnownHosts() {
            private final Map<String, String> byLabel = new HashMap<>();

            @Override
            public Optional<String> byLabel(String label) {
                return Optional.ofNullable(all().get(label));
            }

            @Override
            public boolean anyBelow(String suffix) {
                return all().keySet().stream().anyMatch(label -> label.endsWith("." + suffix));
            }

            private Map<String, String> all() {
                if (byLabel.isEmpty()) {
                    for (String host : addresses.configuredHosts()) {
                        byLabel.putIfAbsent(HostAddressBook.label(host), host);
                    }
                    for (String host : directory.hosts()) {
                        byLabel.putIfAbsent(HostAddressBook.label(host), host);
                    }
                    for (String host : directory.reportingHosts()) {
                        byLabel.putIfAbsent(HostAddressBook.label(host), host);
                    }
                }
                return byLabel;
            }
        };
    }

    private Reply positive(List<RecordData> answers, List<RecordData> additional) {
        return new Reply(DnsResponseCode.NOERROR, true, answers, List.of(), additional);
    }

    private Reply noData() {
        return negative(DnsResponseCode.NOERROR);
    }

    private Reply negative(DnsResponseCode code) {
        return new Reply(code, true, List.of(), List.of(soa()), List.of());
    }

    private RecordData soa() {
        return RecordData.soa(zone, ttl, directory.revision(), ttl);
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}

package io.sirsi.nexus.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.sirsi.nexus.wire.AllocationView;
import io.sirsi.nexus.wire.Responses;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The JSON of the hottest reads ({@code GET /ports/service/{name}}, {@code GET /ports/ranges}), written once per
 * distinct answer and its bytes reused: they are read far more often than they change, and writing them through
 * Jackson (reflection per field, a generator and a type resolution per response) was a fifth to a third of their
 * CPU. Safe by construction: bytes are reused only for an answer {@code equals} to the one they were written from
 * (every field, the host agent's part too; for ranges the ranges in order), so any change writes the answer anew.
 * Bounded: once {@link #REMEMBERED} answers of a kind are kept, that kind starts over, so a registry with more
 * services than that pays Jackson's price for some lookups, never more memory (about 600 bytes an answer).
 */
@Singleton
public class WrittenAnswers {

    /** As Quarkus REST declares the JSON it writes itself. */
    static final MediaType TYPE = MediaType.APPLICATION_JSON_TYPE.withCharset(StandardCharsets.UTF_8.name());
    static final int REMEMBERED = 4096;

    private final Kind<UUID, AllocationView> lookups;
    private final Kind<String, List<Responses.Range>> ranges;

    public WrittenAnswers(ObjectMapper mapper) {
        ObjectWriter writer = mapper.writer();
        this.lookups = new Kind<>(writer, view -> view);
        this.ranges = new Kind<>(writer, WrittenAnswers::byType);
    }

    /** A lookup's answer: the allocation's view. */
    byte[] lookup(AllocationView view) {
        return lookups.json(view.allocationId(), view);
    }

    /** {@code GET /ports/ranges} of one host: an object keyed by service type, in the ranges' order. */
    byte[] ranges(String host, List<Responses.Range> inOrder) {
        return ranges.json(host, inOrder);
    }

    private static Map<String, Responses.Range> byType(List<Responses.Range> inOrder) {
        Map<String, Responses.Range> byType = new LinkedHashMap<>();
        inOrder.forEach(range -> byType.put(range.serviceType(), range));
        return byType;
    }

    /** The answers of one kind by key, each with the value its bytes were written from. */
    private static final class Kind<K, V> {

        private record Written<V>(V value, byte[] json) {
        }

        private final ObjectWriter writer;
        private final Function<V, Object> shape;
        private final Map<K, Written<V>> byKey = new ConcurrentHashMap<>();

        Kind(ObjectWriter writer, Function<V, Object> shape) {
            this.writer = writer;
            this.shape = shape;
        }

        byte[] json(K key, V value) {
            Written<V> written = byKey.get(key);
            if (written != null && written.value().equals(value)) {
                return written.json();
            }
            byte[] json;
            try {
                json = writer.writeValueAsBytes(shape.apply(value));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // records of strings, numbers, times and lists: cannot happen
            }
            if (byKey.size() >= REMEMBERED) {
                byKey.clear();
            }
            byKey.put(key, new Written<>(value, json));
            return json;
        }
    }
}

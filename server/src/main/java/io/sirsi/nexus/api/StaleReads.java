package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.NotRegisteredException;
import io.sirsi.nexus.registry.StaleRead;
import io.sirsi.nexus.wire.ProblemWriter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code stale} read mode of the lookups by name (Consul's {@code ?stale}, etcd's serializable reads):
 * {@code GET /ports/service/{name}?stale} and {@code /ports/instances/{name}?stale} answer from this process's index
 * as it is, without first making sure it holds every change acknowledged before the request (which on a replica
 * costs a read of the change log's head). The answer says how stale it may be: {@value #REVISION} is the change-log
 * revision it is at least as new as, {@value #LAG} how many milliseconds behind the log's head the index may be (0
 * on a store of this process alone, where it never is).
 */
final class StaleReads {

    static final String PARAMETER = "stale";
    static final String REVISION = "X-Sirsi-Revision";
    static final String LAG = "X-Sirsi-Lag";

    private StaleReads() {
    }

    /** {@code ?stale} as Consul spells it (no value), or {@code ?stale=true}; {@code false} or absent: not stale. */
    static boolean asked(UriInfo uri) {
        // from the parsed query: @QueryParam gives no value for a parameter given without "="
        List<String> values = uri.getQueryParameters().get(PARAMETER);
        if (values == null || values.isEmpty()) {
            return false;
        }
        return values.get(0).isEmpty() || QueryParameters.flag(PARAMETER, values.get(0));
    }

    static StaleRead<List<Allocation>> listed(StaleRead<Optional<Allocation>> read) {
        return new StaleRead<>(read.answer().stream().toList(), read.revision(), read.lag());
    }

    /**
     * The answer, with the read's headers; a lookup that finds nothing is its 404 problem with them too, which is
     * when a client needs them most: "not registered" and "not seen yet" differ by the revision.
     */
    static Response answer(StaleRead<?> read, Supplier<Response.ResponseBuilder> answer, ProblemWriter problems) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers(read, headers::put);
        try {
            Response.ResponseBuilder found = answer.get();
            headers.forEach(found::header);
            return found.build();
        } catch (NotRegisteredException notFound) {
            return problems.response(Problems.of(notFound), headers);
        }
    }

    /** The revision and lag headers, given to {@code header} ({@link DirectRoutes} sets them on its response). */
    static void headers(StaleRead<?> read, BiConsumer<String, String> header) {
        header.accept(REVISION, Long.toString(read.revision()));
        header.accept(LAG, Long.toString(read.lag().toMillis()));
    }

}

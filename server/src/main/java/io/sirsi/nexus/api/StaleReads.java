package io.sirsi.nexus.api;

import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.StaleRead;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jboss.resteasy.reactive.RestResponse;

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

    static Response.ResponseBuilder headers(Response.ResponseBuilder answer, StaleRead<?> read) {
        headers(read, answer::header);
        return answer;
    }

    /** The revision and lag headers, given to {@code header} ({@link DirectRoutes} sets them on its response). */
    static void headers(StaleRead<?> read, BiConsumer<String, String> header) {
        header.accept(REVISION, Long.toString(read.revision()));
        header.accept(LAG, Long.toString(read.lag().toMillis()));
    }

    static <T> RestResponse.ResponseBuilder<T> headers(RestResponse.ResponseBuilder<T> answer, StaleRead<?> read) {
        headers(read, answer::header);
        return answer;
    }
}

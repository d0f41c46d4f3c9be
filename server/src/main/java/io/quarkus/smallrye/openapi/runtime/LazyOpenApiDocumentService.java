package io.quarkus.smallrye.openapi.runtime;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import org.jboss.logging.Logger;

import io.quarkus.arc.Unremovable;
import io.quarkus.arc.profile.IfBuildProfile;

import io.quarkus.smallrye.openapi.OpenApiFilter.RunStage;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;

/**
 * Builds the OpenAPI document on its first request instead of at start-up.
 *
 * <p>Since Quarkus 3.31 the extension parses the build-time document, runs its filters and writes it out as JSON
 * and as YAML while the application starts (quarkusio/quarkus#54826): 0.2–0.5 s of the registry's start, for a
 * document few ever ask for. Quarkus made it lazy again when no start-up filter exists (#55538), in a release
 * after the 3.33.2 this project is pinned to; this bean does the same until then, and should be deleted with the
 * upgrade. It lives in the extension's package because the method the extension's recorder calls at start-up is
 * package-private; a changed signature fails the build, not the start. Overriding it takes this class and the
 * extension's in one class loader, as in the packaged jar and the native executable; {@code @QuarkusTest} loads the
 * application apart from its libraries, so the bean is the prod build's only, and {@code OpenApiDocumentIT} tests
 * it on the packaged jar. docs/decisions.md, "The OpenAPI document is built on its first request".
 */
@Alternative
@Priority(1)
@ApplicationScoped
@Unremovable // looked up by the extension's recorder, never injected
@IfBuildProfile("prod")
public class LazyOpenApiDocumentService extends OpenApiDocumentService {

    private static final Logger LOG = Logger.getLogger(LazyOpenApiDocumentService.class);

    /** What start-up asked to prepare, by document name, until a request for it arrives. */
    private final Map<String, Runnable> pending = new LinkedHashMap<>();

    @Override
    void prepareDocument(AutoSecurityFilter autoSecurityFilter, Map<RunStage, List<String>> filtersByStage,
            String documentName) {
        if (Stream.of(RunStage.RUNTIME_STARTUP, RunStage.RUN, RunStage.BOTH)
                .anyMatch(stage -> !filtersByStage.getOrDefault(stage, List.of()).isEmpty())) {
            // A filter meant to run at start-up runs at start-up, as upstream's lazy document keeps it.
            super.prepareDocument(autoSecurityFilter, filtersByStage, documentName);
            return;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        LOG.debugf("Deferred the OpenAPI document %s to its first request", documentName);
        synchronized (pending) {
            pending.put(documentName, () -> {
                Thread thread = Thread.currentThread();
                ClassLoader before = thread.getContextClassLoader();
                thread.setContextClassLoader(loader);
                long started = System.nanoTime();
                try {
                    super.prepareDocument(autoSecurityFilter, filtersByStage, documentName);
                    LOG.debugf("Built the OpenAPI document %s on its first request, in %d ms", documentName,
                            (System.nanoTime() - started) / 1_000_000);
                } finally {
                    thread.setContextClassLoader(before);
                }
            });
        }
    }

    @Override
    public byte[] getDocument(String documentName, Format format) {
        synchronized (pending) {
            // Every document at once: the extension keeps them in a plain map, read outside this lock.
            for (Iterator<Runnable> prepares = pending.values().iterator(); prepares.hasNext();) {
                prepares.next().run(); // should one fail, the next request tries again rather than serve nothing
                prepares.remove();
            }
        }
        return super.getDocument(documentName, format);
    }
}

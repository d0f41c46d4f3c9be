package io.sirsi.nexus.api.security;

import io.quarkus.vertx.http.runtime.cors.CORSFilter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.ProblemWriter;
import io.sirsi.nexus.registry.Hosts;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a web page in the operator's browser could make the registry do. A browser sends some requests without
 * asking first (a form's POST, a {@code fetch} without a body type), and after a DNS rebinding a page on the
 * attacker's domain is answered by a registry on loopback. So, before authentication:
 * <ul>
 * <li>two {@code Host} headers are a 400 (which one would the checks below believe?);</li>
 * <li>with CORS on, any request from a page of an origin CORS does not allow is a 403 problem naming the origin
 * (Quarkus's CORS filter, which would refuse it next, answers a bare 403 without a word of why);</li>
 * <li>a state-changing request from a page of another origin ({@code Origin} names neither this registry nor an
 * origin of {@code quarkus.http.cors.origins}, by name or by a {@code /regular expression/} as CORS reads them) is a
 * 403, with or without keys;</li>
 * <li>a state-changing request with a body of a type other than JSON, or with a body and no type, is a 415, so
 * that a browser must ask first (CORS preflight), which it cannot get;</li>
 * <li>in protected mode (no keys; loopback clients are admins) a {@code Host} that names neither a loopback name or
 * address nor one of {@code sirsi.auth.local-host-names} is a 403: that is what DNS rebinding looks like.</li>
 * </ul>
 * Health probes stay open as in {@link ProtectedMode}. The choice and what it was compared with: docs/decisions.md.
 */
@ApplicationScoped
public class CrossSiteRequests {

    /** Just after {@link ProtectedMode}, so that a remote client still learns that keys are needed. */
    static final int PRIORITY = ProtectedMode.PRIORITY - 1;
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final String LOCALHOST = "localhost";
    /** How many {@code Host} values {@link #localByHost} remembers: a registry is reached by a few names. */
    private static final int REMEMBERED_HOSTS = 64;

    private final ApiKeys keys;
    private final ProblemWriter writer;
    private final Set<String> localHostNames;
    private final boolean corsEnabled;
    private final Set<String> corsOrigins;
    /** The {@code /regular expressions/} of {@code quarkus.http.cors.origins}, compiled as Quarkus compiles them. */
    private final List<Pattern> corsPatterns;
    /** {@code *} alone: CORS lets every origin in. */
    private final boolean corsAnyOrigin;
    /**
     * Whether each {@code Host} value seen is local, so that the few every client sends (127.0.0.1:8080,
     * localhost:8080) are parsed once, not on every request (measured: a tenth of a lookup's CPU); bounded, as the
     * header is the client's to choose.
     */
    private final Map<String, Boolean> localByHost = new ConcurrentHashMap<>();

    public CrossSiteRequests(ApiKeys keys, ProblemWriter writer, AuthConfig config,
            @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false") boolean corsEnabled,
            @ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> corsOrigins) {
        this.keys = keys;
        this.writer = writer;
        this.localHostNames = config.localHostNames().orElse(List.of()).stream().map(CrossSiteRequests::lowerCase)
                .collect(Collectors.toUnmodifiableSet());
        this.corsEnabled = corsEnabled;
        this.corsOrigins = corsEnabled ? corsOrigins.orElse(List.of()).stream().map(CrossSiteRequests::lowerCase)
                .collect(Collectors.toUnmodifiableSet()) : Set.of();
        // Quarkus's own reading, so that the two checks cannot differ on what an expression matches
        this.corsPatterns = corsEnabled ? CORSFilter.parseAllowedOriginsRegex(corsOrigins) : List.of();
        this.corsAnyOrigin = this.corsOrigins.equals(Set.of("*"));
        if (corsEnabled && !keys.configured()) {
            // without keys every loopback client is admin: a page of an allowed origin, open in the browser of an
            // operator on the registry's machine, would change it with that browser's loopback
            throw new IllegalArgumentException("quarkus.http.cors.enabled=true needs API keys (sirsi.auth.keys.*):"
                    + " without them every client on this machine acts as admin, so a page of an allowed origin open"
                    + " in a browser here could change the registry; configure keys, or leave CORS off");
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        Optional<Problem> refusal = refusal(context);
        if (refusal.isPresent()) {
            writer.send(context, refusal.get());
        } else {
            context.next();
        }
    }

    /** No {@link Optional} or lower-cased copy on the way of a request that passes: every request comes here. */
    private Optional<Problem> refusal(RoutingContext context) {
        HttpServerRequest request = context.request();
        List<String> hostHeaders = request.headers().getAll(HttpHeaders.HOST);
        if (hostHeaders.size() > 1) {
            return Optional.of(Problem.of("duplicate-host", "Two Host headers", 400, "the request has "
                    + hostHeaders.size() + " Host headers; send exactly one (RFC 9112, 3.2)"));
        }
        String host = request.host();
        if (!keys.configured() && host != null && !isLocalRemembered(host) && !ProtectedMode.isHealthProbe(context)) {
            return Optional.of(Problem.of("host-not-allowed", "Host not allowed", 403, "this registry has no API"
                    + " keys, so it trusts clients on its machine and answers only requests addressed to it by a"
                    + " loopback name or address (localhost, 127.0.0.1, [::1]) or by a name in"
                    + " sirsi.auth.local-host-names; this one names '" + shown(lowerCase(host)) + "', as a web"
                    + " page does after a DNS rebinding. If you reach the registry by that name, add it to"
                    + " sirsi.auth.local-host-names, or configure API keys"));
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        boolean foreign = origin != null && !isSameOrAllowedOrigin(origin, host);
        if (foreign && corsEnabled) {
            return Optional.of(Problem.of("foreign-origin", "Cross-site request refused", 403, "the origin '"
                    + shown(origin) + "' is not allowed: with CORS on, this registry answers web pages of its own"
                    + " origin and of the origins in quarkus.http.cors.origins only; list it there (a name, or a"
                    + " /regular expression/) to let its pages call the registry with an API key"));
        }
        if (SAFE.contains(request.method())) {
            return Optional.empty();
        }
        if (foreign) {
            return Optional.of(Problem.of("foreign-origin", "Cross-site request refused", 403, "a web page of"
                    + " another origin (" + shown(origin) + ") may not change this registry; call it from the"
                    + " CLI or a client that sends no Origin, or list the page's origin in quarkus.http.cors.origins"
                    + " (with quarkus.http.cors.enabled=true) and give it an API key"));
        }
        if (RequestBodies.announced(request) && !declaresJson(request)) {
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            return Optional.of(Problem.of("unsupported-media-type", "Unsupported media type", 415, "a request that"
                    + " changes the registry sends either no body or a JSON one, declared as 'Content-Type:"
                    + " application/json'; this one " + (type == null ? "sends a body without a Content-Type"
                            : "declares '" + shown(type) + "'")));
        }
        return Optional.empty();
    }

    /** By the {@code Host} value as sent: the lower-cased copy is made once, when a value is first seen. */
    private boolean isLocalRemembered(String hostAndPort) {
        Boolean known = localByHost.get(hostAndPort);
        if (known != null) {
            return known;
        }
        boolean local = isLocal(lowerCase(hostAndPort));
        if (localByHost.size() < REMEMBERED_HOSTS) {
            localByHost.putIfAbsent(hostAndPort, local);
        }
        return local;
    }

    /** Loopback as a browser reaches it: localhost, *.localhost (RFC 6761), 127.0.0.0/8, ::1; or configured. */
    private boolean isLocal(String hostAndPort) {
        String name = withoutPort(hostAndPort);
        if (localHostNames.contains(name) || name.equals(LOCALHOST) || name.endsWith("." + LOCALHOST)) {
            return true;
        }
        String address = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        // by the address's one form, without DNS: [0:0::1] is ::1, [::ffff:127.0.0.2] is 127.0.0.2
        return Hosts.isLoopbackAddress(address);
    }

    /** The host of {@code host[:port]} or {@code [v6][:port]}. */
    private static String withoutPort(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort : hostAndPort.substring(0, close + 1);
        }
        int colon = hostAndPort.indexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /**
     * The page is this registry's own (its scheme, host and port are the request's {@code Host}), or one CORS
     * lets in: by name (in any case), by an expression (matched against the origin as sent, as Quarkus matches
     * it), or all of them. Never stricter than Quarkus's CORS filter, which this check runs before: a page it
     * would let in is let in here too. {@code Origin: null} (a sandboxed frame, a file) is never the registry's
     * own.
     */
    private boolean isSameOrAllowedOrigin(String sentOrigin, String sentHost) {
        String origin = lowerCase(sentOrigin);
        if (corsAnyOrigin || corsOrigins.contains(origin) || CORSFilter.isOriginAllowedByRegex(corsPatterns,
                sentOrigin)) {
            return true;
        }
        String host = sentHost == null ? null : lowerCase(sentHost);
        int scheme = origin.indexOf("://");
        if (scheme < 0 || host == null) {
            return false;
        }
        String authority = origin.substring(scheme + 3);
        String defaultPort = origin.startsWith("https://") ? ":443" : origin.startsWith("http://") ? ":80" : null;
        if (defaultPort == null) {
            return false;
        }
        return withDefaultPort(authority, defaultPort).equals(withDefaultPort(host, defaultPort));
    }

    private static String withDefaultPort(String authority, String defaultPort) {
        return withoutPort(authority).equals(authority) ? authority + defaultPort : authority;
    }

    /**
     * The body is declared JSON. Asked only of a body the headers announce: a type declared on an empty body is let
     * be, as REST clients and {@code curl -d ''} send one with body-less POSTs, and a browser's empty form still
     * carries an {@code Origin}, checked above.
     */
    private static boolean declaresJson(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int parameters = type.indexOf(';');
        String essence = lowerCase((parameters < 0 ? type : type.substring(0, parameters)).strip());
        return essence.equals("application/json");
    }

    private static String lowerCase(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** A header as a message quotes it: at most 100 characters, so that a long one cannot flood answer and log. */
    private static String shown(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}

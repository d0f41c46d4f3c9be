package io.sirsi.nexus.api.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an API key from {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} and has
 * {@link ApiKeyIdentityProvider} check it; authorisation is then plain {@code @RolesAllowed}.
 *
 * <p>Without configured keys the registry is for this machine only: a loopback client needs no key and acts as
 * {@code admin}, anyone else is refused by {@link ProtectedMode}. Keys are opaque strings; a JWT mechanism can be
 * added beside this one later, selected per path with {@code quarkus.http.auth.permission.*.auth-mechanism}.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** The header that carries a key for clients that cannot set {@code Authorization}. */
    public static final String API_KEY_HEADER = "X-API-Key";

    private static final String BEARER = "bearer";
    
    /** A client on this machine in protected mode: everything, a host agent's reports (for any host) included. */
    private static final SecurityIdentity LOCAL = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("local")).addRoles(Role.ADMIN.granted())
            .addRole(Role.AGENT.wireName()).build();

    private final ApiKeys keys;

    public ApiKeyAuthenticationMechanism(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        Optional<String> presented;
        try {
            presented = presentedKey(context.request());
        } catch (AuthenticationFailedException malformed) {
            return Uni.createFrom().failure(malformed);
        }
        if (presented.isPresent()) {
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                    new ApiKeyAuthenticationRequest(presented.get()), context));
        }
        if (!keys.configured() && Clients.isLoopback(context.request())) {
            return Uni.createFrom().item(LOCAL);
        }
        // Anonymous: @RolesAllowed answers 401, or ProtectedMode has already refused a remote client.
        return Uni.createFrom().optional(Optional.empty());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaders.WWW_AUTHENTICATE,
                SecurityProblems.CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, BEARER));
    }

    /** The key in either header; both present must agree, and Authorization must use the Bearer scheme. */
    private static Optional<String> presentedKey(HttpServerRequest request) {
        Optional<String> bearer = Optional.ofNullable(request.getHeader(HttpHeaders.AUTHORIZATION)).map(value -> {
            int space = value.indexOf(' ');
            if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(BEARER)) {
                throw new AuthenticationFailedException(SecurityProblems.NOT_BEARER);
            }
            return value.substring(space + 1).trim();
        });
        Optional<String> header = Optional.ofNullable(request.getHeader(API_KEY_HEADER)).map(String::trim);
        if (bearer.isPresent() && header.isPresent() && !bearer.equals(header)) {
            throw new AuthenticationFailedException(SecurityProblems.TWO_KEYS);
        }
        Optional<String> key = bearer.or(() -> header);
        if (key.isPresent() && key.get().isEmpty()) {
            throw new AuthenticationFailedException(SecurityProblems.EMPTY_KEY);
        }
        return key;
    }
}

package io.sirsi.nexus.storkapp;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The orders service, found through Stork: {@code stork://orders} resolves with the sirsi provider. */
@RegisterRestClient(baseUri = "stork://orders")
@Path("/whoami")
public interface OrdersClient {

    /** The name of the backend instance that answered. */
    @GET
    String whoami();
}

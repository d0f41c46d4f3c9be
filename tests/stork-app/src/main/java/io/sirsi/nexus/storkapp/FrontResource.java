package io.sirsi.nexus.storkapp;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The service's own endpoint: answers with whichever orders instance Stork chose for the call. */
@Path("/front")
public class FrontResource {

    private final OrdersClient orders;

    public FrontResource(@RestClient OrdersClient orders) {
        this.orders = orders;
    }

    @GET
    public String front() {
        return orders.whoami();
    }
}

package io.sirsi.nexus.cli;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.sirsi.nexus.client.Allocation;
import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.client.Analytics;
import io.sirsi.nexus.client.ChangeEvent;
import io.sirsi.nexus.client.DrainResult;
import io.sirsi.nexus.client.HostReport;
import io.sirsi.nexus.client.RegistryViews;
import io.sirsi.nexus.client.ScaleRequest;
import io.sirsi.nexus.client.ScaleResult;

/**
 * The client library's records, which Jackson reads and writes by reflection, registered for the native executable:
 * the client commands run there too, and the library (plain Java, no Quarkus) cannot say so itself. The server's own
 * wire records need no such list, as its REST endpoints name them. Never loaded by the commands themselves.
 */
@RegisterForReflection(targets = {Allocation.class, Allocation.Check.class, AllocationRequest.class,
        AllocationRequest.Check.class, ChangeEvent.class, DrainResult.class,
        ScaleRequest.class, ScaleResult.class, HostReport.class, HostReport.PortSpan.class, HostReport.Receipt.class,
        HostReport.CheckResult.class, HostReport.CheckOrder.class,
        Analytics.class, Analytics.TypeUsage.class, Analytics.Flapping.class,
        Analytics.ReusedPort.class, RegistryViews.Health.class, RegistryViews.Stats.class, RegistryViews.Range.class,
        RegistryViews.HostSummary.class, RegistryViews.HostMaintenance.class, RegistryViews.TypeUse.class,
        RegistryViews.AgentStatus.class, RegistryViews.Listener.class, RegistryViews.HostDetail.class,
        RegistryViews.Overview.class},
        classNames = {"io.sirsi.nexus.client.SirsiNexusClient$Allocated", "io.sirsi.nexus.client.SirsiNexusClient$Done",
            "io.sirsi.nexus.client.SirsiNexusClient$CleanedUp"})
final class ClientLibraryReflection {

    private ClientLibraryReflection() {
    }
}

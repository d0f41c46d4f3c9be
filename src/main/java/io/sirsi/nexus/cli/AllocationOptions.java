package io.sirsi.nexus.cli;

import io.sirsi.nexus.api.AllocateRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What a command asks of the allocation: {@code allocate} and {@code exec} share these options. */
public class AllocationOptions {

    @Option(names = "--preferred-port", paramLabel = "PORT", description = "Port wanted; granted when free.")
    Integer preferredPort;

    @Option(names = "--required", description = "Fail (exit 4) rather than take another port.")
    boolean required;

    /** The allocate request; {@code required} only goes with a preferred port, which it is about. */
    AllocateRequest request(CommandSpec spec, String name, String type, Long processId) {
        if (required && preferredPort == null) {
            throw new ParameterException(spec.commandLine(), "--required needs --preferred-port");
        }
        return new AllocateRequest(name, type, preferredPort, preferredPort == null ? null : required, processId,
                null, null, null);
    }
}

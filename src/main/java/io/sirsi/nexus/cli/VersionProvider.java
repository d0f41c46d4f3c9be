package io.sirsi.nexus.cli;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the application version from the build. */
@Singleton
public class VersionProvider implements IVersionProvider {

    private final String version;

    public VersionProvider(@ConfigProperty(name = "quarkus.application.version") String version) {
        this.version = version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"sirsi-nexus " + version};
    }
}

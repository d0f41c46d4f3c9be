package io.sirsi.nexus.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the version the build wrote into the application jar's manifest. Read from there rather than
 * from Quarkus's configuration, so that client commands answer it without booting the application.
 */
public class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"sirsi-nexus " + (version == null ? "(development build)" : version)};
    }
}

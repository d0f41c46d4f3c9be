package io.sirsi.nexus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of the code, checked on every build: data flows one way ({@code api}/{@code cli} → {@code registry} →
 * {@code store}), the wire contract both faces share is a leaf, and no two packages import each other, directly or
 * round a circle. README.md's Code section draws the same picture; a change that needs to break a rule here changes
 * that picture first, and docs/decisions.md says why.
 */
@AnalyzeClasses(packages = "io.sirsi.nexus", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "io.sirsi.nexus.";

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.sirsi.nexus.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule registryImportsNoFace = noClasses().that().resideInAPackage(ROOT + "registry..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "cli..", ROOT + "wire..",
                    ROOT + "store..", ROOT + "observe..", ROOT + "ui..")
            .because("the registry is the domain: faces call it, the store serves it, it knows neither");

    @ArchTest
    static final ArchRule storeServesOnlyTheRegistry = noClasses().that().resideInAPackage(ROOT + "store..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "cli..", ROOT + "wire..",
                    ROOT + "observe..", ROOT + "ui..")
            .because("storage sits below the registry and answers to its interfaces alone");

    @ArchTest
    static final ArchRule cliImportsNoServer = noClasses().that().resideInAPackage(ROOT + "cli..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "store..",
                    ROOT + "observe..", ROOT + "ui..")
            .because("the CLI is an HTTP client: it shares the wire contract (wire), never a resource or the store");

    @ArchTest
    static final ArchRule clientLibraryStandsAlone = noClasses().that().resideInAPackage(ROOT + "client..")
            .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + "client..", "java..", "javax..",
                    "com.fasterxml.jackson..")
            .because("the client library (client/) is plain Java and Jackson for any service: it knows nothing of"
                    + " the server");

    @ArchTest
    static final ArchRule onlyTheCliUsesTheClientLibrary = noClasses().that()
            .resideOutsideOfPackages(ROOT + "client..", ROOT + "cli..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + "client..")
            .because("the server's CLI reaches a running registry through the client library; the server itself"
                    + " never calls one");

    @ArchTest
    static final ArchRule wireIsALeaf = noClasses().that().resideInAPackage(ROOT + "wire..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "cli..", ROOT + "store..",
                    ROOT + "observe..", ROOT + "ui..", ROOT + "agent..", ROOT + "dns..")
            .because("both faces use the wire contract, so it may lean on neither");

    @ArchTest
    static final ArchRule dnsReadsOnlyTheRegistry = noClasses().that().resideInAPackage(ROOT + "dns..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "cli..", ROOT + "wire..",
                    ROOT + "store..", ROOT + "observe..", ROOT + "ui..")
            .because("the DNS interface is a face of its own: it reads the registry, and tells observe/ through"
                    + " its DnsObserver");

    @ArchTest
    static final ArchRule agentOnlyReadsItsHost = noClasses().that().resideInAPackage(ROOT + "agent..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "api..", ROOT + "cli..", ROOT + "store..",
                    ROOT + "observe..", ROOT + "ui..", ROOT + "registry..", ROOT + "dns..")
            .because("the host agent reads /proc and writes the wire contract; the CLI sends what it scans");

    @ArchTest
    static final ArchRule apiReachesStorageOnlyThroughTheRegistry = noClasses().that()
            .resideInAnyPackage(ROOT + "api..", ROOT + "observe..", ROOT + "ui..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "store..", ROOT + "cli..")
            .because("requests reach storage through the registry's rules, never around them");
}

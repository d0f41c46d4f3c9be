package io.sirsi.nexus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link AllowedMethods} reads the API's methods from a list of resource classes: a class left out of it answers
 * its 405s without {@code Allow} and its {@code OPTIONS} with Quarkus REST's guess, as drain and the host agents'
 * paths once did.
 */
class AllowedMethodsTest {

    @Test
    void everyResourceOfTheApiIsListed() {
        Set<String> resources = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sirsi.nexus").stream().filter(type -> type.isAnnotatedWith(Path.class))
                .map(JavaClass::getName).collect(Collectors.toSet());
        assertEquals(resources, AllowedMethods.RESOURCES.stream().map(Class::getName).collect(Collectors.toSet()));
    }
}

package io.sirsi.nexus.registry;

import java.util.regex.Pattern;

/** The rule for service names: 1-63 characters, lowercase letters, digits, '-', '_' and '.', alphanumeric at both ends. */
public final class ServiceNames {

    public static final String PATTERN = "[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?";
    public static final String RULE = "1-63 characters of a-z, 0-9, '-', '_' or '.', starting and ending with a letter or digit";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private ServiceNames() {
    }

    public static boolean isValid(String name) {
        return name != null && COMPILED.matcher(name).matches();
    }

    /** Returns the name, or fails with a message that states the rule. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new InvalidRequestException("invalid service_name '" + InvalidRequestException.shown(name)
                    + "': " + RULE);
        }
        return name;
    }
}

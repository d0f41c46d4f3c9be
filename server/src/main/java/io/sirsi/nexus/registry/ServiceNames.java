package io.sirsi.nexus.registry;

/** The rule for service names: 1-63 characters, lowercase letters, digits, '-', '_' and '.', alphanumeric at both ends. */
public final class ServiceNames {

    /** The rule as a regular expression, for the OpenAPI document and clients; {@link #isValid} checks it by hand. */
    public static final String PATTERN = "[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?";
    public static final String RULE = "1-63 characters of a-z, 0-9, '-', '_' or '.', starting and ending with a letter or digit";
    private static final int MAX_LENGTH = 63;

    private ServiceNames() {
    }

    /**
     * Whether the name matches {@link #PATTERN}: by hand, since every allocation and lookup asks, and the regular
     * expression's matcher cost about a microsecond of each (docs/benchmarks.md, issue 23).
     */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        int last = name.length() - 1;
        if (!letterOrDigit(name.charAt(0)) || !letterOrDigit(name.charAt(last))) {
            return false;
        }
        for (int i = 1; i < last; i++) {
            char c = name.charAt(i);
            if (!letterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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

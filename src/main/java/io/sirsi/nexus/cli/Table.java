package io.sirsi.nexus.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns; colours only for terminals, never with NO_COLOR. */
final class Table {

    private static final String RESET = "\u001B[0m";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> colours = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; a cell may be given a colour with {@link #coloured}. */
    Table row(Object... cells) {
        List<String> texts = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (Object cell : cells) {
            if (cell instanceof Coloured coloured) {
                texts.add(coloured.text());
                codes.add(coloured.code());
            } else {
                texts.add(cell == null ? "-" : cell.toString());
                codes.add(null);
            }
        }
        rows.add(texts);
        colours.add(codes);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        out.println(line(headers, null, widths));
        for (int i = 0; i < rows.size(); i++) {
            out.println(line(rows.get(i), colours.get(i), widths));
        }
        out.flush();
    }

    private static String line(List<String> cells, List<String> codes, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            String cell = cells.get(column);
            boolean last = column == cells.size() - 1;
            String padded = last ? cell : cell + " ".repeat(widths[column] - cell.length() + 2);
            String code = codes == null ? null : codes.get(column);
            line.append(code != null && colourEnabled() ? code + cell + RESET + padded.substring(cell.length()) : padded);
        }
        return line.toString().stripTrailing();
    }

    record Coloured(String text, String code) {
    }

    static Coloured coloured(String text, String code) {
        return new Coloured(text, code);
    }

    /** Colour for an allocation status. */
    static Coloured status(String status) {
        return coloured(status, switch (status) {
            case "Active" -> "\u001B[32m";
            case "Expired" -> "\u001B[33m";
            case "Reserved" -> "\u001B[36m";
            default -> null;
        });
    }

    /** Colours only when writing to a terminal and NO_COLOR (https://no-color.org) is unset or empty. */
    static boolean colourEnabled() {
        String noColor = System.getenv("NO_COLOR");
        return System.console() != null && (noColor == null || noColor.isEmpty());
    }
}

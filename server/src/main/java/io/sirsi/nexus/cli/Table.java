package io.sirsi.nexus.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Ansi;

/**
 * A plain text table with aligned columns. A cell may carry a picocli style; picocli's {@link Ansi} decides whether
 * it shows (a terminal, and no {@code NO_COLOR}), as it does for the help.
 */
final class Table {

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** A cell's text and its picocli style ({@code fg(green)}), or none. */
    record Cell(String text, String style) {
    }

    /** Adds a row; a cell is a {@link Cell}, or anything else, printed as its string ({@code -} for null). */
    Table row(Object... cells) {
        List<Cell> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell instanceof Cell styled ? styled : new Cell(cell == null ? "-" : cell.toString(), null));
        }
        rows.add(row);
        return this;
    }

    void print(PrintWriter out, Ansi ansi) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<Cell> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).text().length());
            }
        }
        List<Cell> heading = new ArrayList<>();
        for (String header : headers) {
            heading.add(new Cell(header, null));
        }
        out.println(line(heading, widths, ansi));
        for (List<Cell> row : rows) {
            out.println(line(row, widths, ansi));
        }
        out.flush();
    }

    private static String line(List<Cell> cells, int[] widths, Ansi ansi) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            Cell cell = cells.get(column);
            line.append(cell.style() == null || !ansi.enabled() ? cell.text()
                    : ansi.string("@|" + cell.style() + " " + cell.text() + "|@"));
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - cell.text().length() + 2));
            }
        }
        return line.toString().stripTrailing();
    }

    /** An allocation status, in its colour. */
    static Cell status(String status) {
        return new Cell(status, switch (status) {
            case "Active" -> "fg(green)";
            case "Expired" -> "fg(yellow)";
            case "Reserved" -> "fg(cyan)";
            default -> null;
        });
    }
}

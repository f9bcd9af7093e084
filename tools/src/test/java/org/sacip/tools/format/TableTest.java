package org.sacip.tools.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAreLeftAlignedWithTwoSpacesAndNoTrailingBlanks() {
        String text = new Table(List.of("A", "Longer", "C"))
                .add(List.of("wide cell", "x", "last"))
                .add(List.of("y", "z", "-"))
                .render();
        assertEquals("""
                A          Longer  C
                wide cell  x       last
                y          z       -
                """, text);
    }

    @Test
    void anEmptyTableIsItsHeader() {
        assertEquals("Proto  State\n", new Table(List.of("Proto", "State")).render());
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        Table table = new Table(List.of("A", "B"));
        assertThrows(IllegalArgumentException.class, () -> table.add(List.of("only one")));
    }
}

package org.sacip.tools.format;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads payload fields for display; an absent or null field shows as "-". */
final class Fields {
    static final String NONE = "-";

    private Fields() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? NONE : value.asText();
    }

    /** Seconds as a short duration ("42s", "5m12s", "3h04m", "2d03h"), or "-". */
    static String seconds(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? NONE : Durations.compact(value.asLong());
    }

    /** Milliseconds to at most two decimals ("0.35ms"), or "-". */
    static String millis(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            return NONE;
        }
        BigDecimal rounded = value.decimalValue().setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.toPlainString() + "ms";
    }
}

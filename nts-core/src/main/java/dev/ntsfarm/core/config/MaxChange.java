package dev.ntsfarm.core.config;

/**
 * {@code maxchange OFFSET START IGNORE}: the largest offset a clock update may correct, checked
 * from update START + 1 on (so the first START updates may correct more); an update beyond it is
 * ignored, IGNORE times, after which the agent gives up and exits; a negative IGNORE never exits
 * (chrony's {@code maxchange}, which has no default: without it every offset is corrected).
 *
 * @param offset the largest correction, seconds
 * @param start updates made before the check applies
 * @param ignore updates beyond the limit ignored before exiting; negative: ignored for ever
 */
public record MaxChange(double offset, int start, int ignore) {

    public static MaxChange from(Directive d) throws ConfigException {
        d.expectArgs(3, 3);
        return new MaxChange(
                d.decimal(0, "an offset in seconds", 0, Double.MAX_VALUE),
                d.integer(1, "a number of clock updates", 0, Integer.MAX_VALUE),
                d.integer(2, "a number of clock updates", Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    public String toLine() {
        return "maxchange "
                + java.math.BigDecimal.valueOf(offset).stripTrailingZeros().toPlainString()
                + " "
                + start
                + " "
                + ignore;
    }
}

package io.hearth.bench;

import java.util.Locale;

/** The unit a row's two figures are in, and how a person reads them. */
public enum Unit {
    REQUESTS_PER_SECOND("req/s", 0),
    MICROSECONDS("µs", 0),
    MILLISECONDS("ms", 1),
    MEGABYTES_PER_SECOND("MB/s", 0),
    MEBIBYTES("MiB", 1),
    KIBIBYTES("KiB", 0),
    SESSIONS("sessions", 0),
    STREAMS("streams", 0),
    MESSAGES_PER_SECOND("msg/s", 0);

    private final String symbol;
    private final int decimals;

    Unit(String symbol, int decimals) {
        this.symbol = symbol;
        this.decimals = decimals;
    }

    public String symbol() {
        return symbol;
    }

    /** {@code 12,345 req/s}, {@code 1.5 ms}: grouped digits so tables read at a glance. */
    public String format(double value) {
        return number(value) + " " + symbol;
    }

    public String number(double value) {
        // Small values keep one more decimal than the unit's default, or 0.4 ms would print as 0.
        int places = Math.abs(value) < 10 && decimals == 0 && value != Math.rint(value) ? 1 : decimals;
        return String.format(Locale.ROOT, "%,." + places + "f", value);
    }
}

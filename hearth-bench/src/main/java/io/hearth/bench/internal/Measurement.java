package io.hearth.bench.internal;

import io.hearth.bench.Section;

/** One of the bench's measurements. It reports what it could not measure as skipped rows rather than failing. */
public interface Measurement {
    Section section();

    SectionResult run(BenchContext context) throws Exception;
}

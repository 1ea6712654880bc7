package dev.sluice.sink.s3;

import java.time.Duration;

/** The file-shaping settings of a {@link ParquetSink}, as the builder checked them. Immutable. */
record FileSettings(
        Partitioning partitioning,
        Compression compression,
        long rowGroupSize,
        int pageSize,
        long maxFileRows,
        long maxFileBytes,
        Duration maxFileAge,
        long memoryBudget,
        boolean includeBefore) {}

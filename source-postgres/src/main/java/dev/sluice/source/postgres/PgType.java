package dev.sluice.source.postgres;

import dev.sluice.Type;

/**
 * A PostgreSQL column type as this source maps it: the core {@link Type}, the server's own name for it, and the
 * parser of its text form.
 */
record PgType(Type type, String sourceType, ValueParser parser) {}

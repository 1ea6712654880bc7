/**
 * The {@link dev.sluice.OffsetStore} implementations of the core: in memory, in a file, in a database table.
 */
package dev.sluice.offset;

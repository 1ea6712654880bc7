/**
 * The engine behind {@link dev.sluice.Pipeline}. Not an API: other modules must not import it, and anything here
 * may change without notice.
 */
package dev.sluice.internal;

/**
 * The Sluice API: {@link dev.sluice.Pipeline} and its builder, the {@link dev.sluice.Source},
 * {@link dev.sluice.ChangeStream}, {@link dev.sluice.Sink} and {@link dev.sluice.OffsetStore} contracts, and the
 * events and types that flow between them.
 *
 * <p>Sources and sinks see only this package; nothing here depends on a driver or SDK.
 */
package dev.sluice;

/**
 * Sluice's one JSON codec ({@link dev.sluice.json.Json}) and the conversion of change events to JSON text and maps
 * ({@link dev.sluice.json.ChangeEventJson}), shared by every module that needs JSON and public for custom sinks.
 */
package dev.sluice.json;

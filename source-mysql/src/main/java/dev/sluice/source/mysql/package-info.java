/**
 * Change capture from MySQL and MariaDB binlogs: {@link dev.sluice.source.mysql.MySqlSource} and its
 * {@link SnapshotMode}. Everything else in this package is implementation.
 */
package dev.sluice.source.mysql;

import dev.sluice.capture.SnapshotMode;
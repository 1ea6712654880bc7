package dev.sluice.sink.s3;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Passes a record on to parquet-java's consumer and counts the bytes of the binary values on the way, so that
 * {@link EventWriteSupport} knows how large the values are that parquet-java's statistics keep (see
 * {@link EventWriteSupport#takeStatisticsBytes()}). Not thread-safe: one per file.
 */
final class BinaryCountingConsumer extends RecordConsumer {

    private final RecordConsumer out;
    private long binaryBytes;

    BinaryCountingConsumer(RecordConsumer out) {
        this.out = out;
    }

    /** The bytes of every binary value passed on so far; callers take differences. */
    long binaryBytes() {
        return binaryBytes;
    }

    @Override
    public void addBinary(Binary value) {
        binaryBytes += value.length();
        out.addBinary(value);
    }

    @Override
    public void startMessage() {
        out.startMessage();
    }

    @Override
    public void endMessage() {
        out.endMessage();
    }

    @Override
    public void startField(String field, int index) {
        out.startField(field, index);
    }

    @Override
    public void endField(String field, int index) {
        out.endField(field, index);
    }

    @Override
    public void startGroup() {
        out.startGroup();
    }

    @Override
    public void endGroup() {
        out.endGroup();
    }

    @Override
    public void addInteger(int value) {
        out.addInteger(value);
    }

    @Override
    public void addLong(long value) {
        out.addLong(value);
    }

    @Override
    public void addBoolean(boolean value) {
        out.addBoolean(value);
    }

    @Override
    public void addFloat(float value) {
        out.addFloat(value);
    }

    @Override
    public void addDouble(double value) {
        out.addDouble(value);
    }

    @Override
    public void flush() {
        out.flush();
    }
}

package market.resale.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then Avro binary. */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed payload, or a {@link SerializationException} naming what is wrong with it. */
    public static int schemaId(byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new SerializationException("Not in the Confluent wire format: " + payload.length + " bytes, fewer than the 5-byte header");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException("Not in the Confluent wire format: unknown magic byte " + payload[0]);
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}

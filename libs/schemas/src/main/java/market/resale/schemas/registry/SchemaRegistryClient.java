package market.resale.schemas.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent schema-registry REST API the services need. Implementations must be
 * thread-safe: one client is shared by every serializer of a process.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (or finds it registered already) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * The global id of this exact schema among the versions of the subject, without registering it
     * ({@code POST /subjects/{subject}}). A {@link SchemaRegistryException} with status 404 when the
     * subject does not exist (error code 40401) or does not hold the schema (40403).
     */
    int lookup(String subject, Schema schema);

    /**
     * The schema with this global id, with every schema it references (nested named types that the
     * registry stores as subjects of their own) resolved into it.
     */
    Schema getById(int id);

    /** Whether the schema may be registered as the next version of the subject under its compatibility rule. */
    boolean isCompatible(String subject, Schema schema);

    /** Sets the compatibility rule of one subject (BACKWARD, FORWARD, FULL, NONE ...). */
    void setCompatibility(String subject, String level);
}

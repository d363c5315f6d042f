package market.resale.schemas.registry;

/** The registry answered with an error, or could not be reached. */
public class SchemaRegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status, or 0 when the registry could not be reached. */
    public int status() {
        return status;
    }

    /** The Confluent error code from the body (40401 subject not found, 40403 schema not found, 409 incompatible ...), or 0. */
    public int errorCode() {
        return errorCode;
    }
}

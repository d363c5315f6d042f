package market.resale.schemas.serde;

/**
 * Avro 1.12 refuses to instantiate generated classes outside trusted packages. Our generated
 * classes live under {@code market.resale}; a deployment may widen the list with the system property.
 */
public final class TrustedPackages {

    public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    public static final String PROJECT_PACKAGE = "market.resale";

    private TrustedPackages() {
    }

    public static void register() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, PROJECT_PACKAGE);
        } else if (!(("," + current + ",").contains("," + PROJECT_PACKAGE + ","))) {
            System.setProperty(PROPERTY, current + "," + PROJECT_PACKAGE);
        }
    }
}

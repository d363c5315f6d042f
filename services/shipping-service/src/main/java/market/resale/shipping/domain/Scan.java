package market.resale.shipping.domain;

/** One carrier scan; {@code scanId} is the carrier's id, the same for every redelivery of the scan. */
public record Scan(String scanId, ScanType type, String trackingNumber, String carrier, long scannedAt) {
}

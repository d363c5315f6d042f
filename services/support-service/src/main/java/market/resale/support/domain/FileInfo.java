package market.resale.support.domain;

/** An attached file as recorded on the case; its bytes are kept apart, under the evidence id. */
public record FileInfo(String name, String contentType, long size, String sha256) {
}

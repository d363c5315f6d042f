package market.resale.support.domain;

/** Where a case came from: a party in the help center, or the service itself from another service's event. */
public enum CaseSource {
    HELP_CENTER, MESSAGING, SHIPPING
}

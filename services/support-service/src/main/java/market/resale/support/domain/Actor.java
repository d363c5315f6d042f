package market.resale.support.domain;

/** Who did something to a case, and as what. */
public record Actor(String id, ActorRole role) {

    /** What the service does by itself (a case opened from messaging or shipping) is recorded under this id. */
    public static final String SYSTEM_ID = "support-service";

    public static Actor system() {
        return new Actor(SYSTEM_ID, ActorRole.SYSTEM);
    }
}

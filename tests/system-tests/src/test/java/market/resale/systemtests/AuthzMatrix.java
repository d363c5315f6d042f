package market.resale.systemtests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The declared authorization matrix: every endpoint of every service × every kind of caller, with the
 * answer expected. Deny by default: a row starts with every caller refused (401 without a valid token,
 * the row's denial for a signed-in caller) and grants what it names. {@link AuthorizationMatrixTest} calls
 * each cell and fails on any other answer, and on any controller mapping that has no row here;
 * {@link #markdown()} renders the table into {@code docs/authorization.md}.
 *
 * <p>Paths and bodies use the {@link AuthzWorld} placeholders: {@code {order}} (an order of the
 * buyer and seller, placed just now), {@code {order:name}} (another seeded order), {@code {case}},
 * {@code {account}} (the caller's own for the owner kinds, the buyer's for everybody else), etc.
 */
final class AuthzMatrix {

    /** Who calls. The owner kinds are the party the path names; the "other" kinds hold the same role but are no party. */
    enum Caller {
        ANONYMOUS("anonymous", "no token"),
        FORGED("forged", "the buyer's claims, all roles, signed with another key"),
        EXPIRED("expired", "signed with the right key, all roles, expired an hour ago"),
        BUYER_OWNER("buyer, owner", "role BUYER, the order's buyer / the account's user"),
        BUYER_OTHER("buyer, other", "role BUYER, not a party"),
        SELLER_OWNER("seller, owner", "role SELLER, the order's seller / the account's user"),
        SELLER_OTHER("seller, other", "role SELLER, not a party"),
        SUPPORT("support", "role SUPPORT"),
        CARRIER("carrier", "role CARRIER, the client of the carrier (UPS) that has the order's parcel"),
        CARRIER_OTHER("carrier, other", "role CARRIER, another carrier's client (USPS)");

        final String label;
        final String meaning;

        Caller(String label, String meaning) {
            this.label = label;
            this.meaning = meaning;
        }

        boolean signedIn() {
            return ordinal() >= BUYER_OWNER.ordinal();
        }
    }

    enum Service {
        ORDERS("orders-service"), SHIPPING("shipping-service"), CREDITS("credits-service"), MESSAGING("messaging-service"),
        SUPPORT("support-service");

        final String id;

        Service(String id) {
            this.id = id;
        }
    }

    /**
     * One endpoint on one service. {@code mapping} is the controller's {@code METHOD /pattern};
     * {@code path} what is called (placeholders of {@link AuthzWorld}); {@code application} false for
     * the framework's actuator endpoints (no controller of ours).
     */
    record Endpoint(Service service, String method, String pattern, String path, String contentType, String body,
                    Map<Caller, String> expected, String note, boolean application) {

        String mapping() {
            return method + " " + pattern;
        }

        /** Whether {@code status} is what the cell declares: {@code 2xx} or one exact status. */
        static boolean matches(String expected, int status) {
            return expected.equals("2xx") ? status >= 200 && status < 300 : Integer.parseInt(expected) == status;
        }
    }

    private static final class Row {
        private final String method;
        private final String pattern;
        private String path;
        private String contentType;
        private String body;
        private String denied = "403";
        private String anonymous = "401";
        private final Map<Caller, String> granted = new EnumMap<>(Caller.class);
        private String note = "";
        private boolean application = true;

        private Row(String method, String pattern) {
            this.method = method;
            this.pattern = pattern;
            this.path = pattern;
        }

        Row call(String path) {
            this.path = path;
            return this;
        }

        Row json(String body) {
            this.contentType = "application/json";
            this.body = body;
            return this;
        }

        Row raw(String contentType, String body) {
            this.contentType = contentType;
            this.body = body;
            return this;
        }

        /** Signed-in callers this row does not grant get 404: the resource is not theirs, whether or not it exists. */
        Row hidden() {
            this.denied = "404";
            return this;
        }

        Row grant(String status, Caller... callers) {
            for (var caller : callers) {
                granted.put(caller, status);
            }
            return this;
        }

        Row everyoneSignedIn(String status) {
            return grant(status, Arrays.stream(Caller.values()).filter(Caller::signedIn).toArray(Caller[]::new));
        }

        /** No token needed (a bearer token that is sent must still be valid). */
        Row open(String status) {
            this.anonymous = status;
            return everyoneSignedIn(status);
        }

        Row framework() {
            this.application = false;
            return this;
        }

        Row note(String note) {
            this.note = note;
            return this;
        }

        Endpoint on(Service service) {
            if (path.contains("{") && path.equals(pattern)) {
                throw new IllegalStateException(method + " " + pattern + ": name what to call with fixture placeholders");
            }
            var expected = new EnumMap<Caller, String>(Caller.class);
            for (var caller : Caller.values()) {
                expected.put(caller, granted.getOrDefault(caller, caller == Caller.ANONYMOUS ? anonymous
                        : caller.signedIn() ? denied : "401"));
            }
            return new Endpoint(service, method, pattern, path, contentType, body, Map.copyOf(expected), note, application);
        }
    }

    private static Row get(String pattern) {
        return new Row("GET", pattern);
    }

    private static Row post(String pattern) {
        return new Row("POST", pattern);
    }

    private static final Caller BO = Caller.BUYER_OWNER;
    private static final Caller BX = Caller.BUYER_OTHER;
    private static final Caller SO = Caller.SELLER_OWNER;
    private static final Caller SX = Caller.SELLER_OTHER;
    private static final Caller AGENT = Caller.SUPPORT;
    private static final Caller CARRIER = Caller.CARRIER;
    private static final Caller CX = Caller.CARRIER_OTHER;

    static final List<Endpoint> ENDPOINTS = endpoints();

    private static List<Endpoint> endpoints() {
        var all = new ArrayList<Endpoint>();
        // orders-service
        for (var row : List.of(
                get("/orders/{orderId}").call("/orders/{order}").hidden().grant("200", BO, SO, AGENT),
                get("/orders/{orderId}/cancellation-eligibility").call("/orders/{order}/cancellation-eligibility").hidden()
                        .grant("200", BO, SO, AGENT),
                post("/orders/{orderId}/cancellations").call("/orders/{ownOrder}/cancellations")
                        .json("{\"reason\":\"OTHER\",\"note\":\"authorization matrix\",\"expectedVersion\":1}").hidden()
                        .grant("2xx", BO, SO).grant("409", AGENT)
                        .note("each owner cancels an order of their own, within the window; support: `409 case-required` "
                                + "(support cancels through a case)"),
                get("/orders/{orderId}/cancellations/{commandId}").call("/orders/{order:cancelled}/cancellations/{cancelCommand}")
                        .hidden().grant("200", BO, AGENT)
                        .note("the buyer's cancellation: its submitter and support; the seller is a party but not its submitter"),
                get("/cancellation-reasons").everyoneSignedIn("200").note("the reasons each actor may give"),
                get("/cancellations").grant("200", BO, BX, SO, SX).grant("400", AGENT)
                        .note("the caller's own orders' cancellations; support: `400 party-required` until it names a seller or buyer"),
                get("/purchases").grant("200", BO, BX).note("the caller's own purchases"),
                get("/sales").grant("200", SO, SX).note("the caller's own sales"),
                get("/buyers/{buyerId}/record").call("/buyers/{buyer}/record").hidden().grant("200", BO, SO, AGENT)
                        .note("the buyer, support, and a seller who has an order from this buyer"),
                get("/sellers/{sellerId}/signals").call("/sellers/{seller}/signals").everyoneSignedIn("200")
                        .note("public to every signed-in user (checked before buying)"),
                post("/orders/{orderId}/buyer-comment").call("/orders/{order:cancelled}/buyer-comment")
                        .json("{\"text\":\"Cancelled within the hour, politely.\"}").hidden()
                        .grant("201", SO).grant("403", BO, AGENT)
                        .note("the seller of a cancelled order; the buyer and support: `403 not-the-seller`"))) {
            all.add(row.on(Service.ORDERS));
        }
        // shipping-service
        for (var row : List.of(
                post("/carrier/scans").json("{\"scanId\":\"authz-scan-{call}\",\"orderId\":\"{order}\",\"trackingNumber\":"
                        + "\"1Z-AUTHZ\",\"carrier\":\"UPS\",\"scanType\":\"LABEL_CREATED\",\"scannedAt\":\"{now}\"}")
                        .grant("202", CARRIER).note("role CARRIER, for its own carrier (token claim `carrier`) and a parcel no "
                                + "other carrier has: `403 not-your-carrier`, `403 not-your-parcel`"),
                get("/orders/{orderId}/shipment").call("/orders/{order}/shipment").hidden().grant("200", BO, SO, AGENT, CARRIER)
                        .grant("403", CX).note("a carrier: its own parcels only (`403 not-your-parcel`)"))) {
            all.add(row.on(Service.SHIPPING));
        }
        // credits-service
        for (var row : List.of(
                get("/accounts/{userId}").call("/accounts/{account}").hidden().grant("200", BO, SO, AGENT),
                get("/accounts/{userId}/ledger").call("/accounts/{account}/ledger").hidden().grant("200", BO, SO, AGENT),
                post("/accounts/{userId}/redemptions").call("/accounts/{account}/redemptions")
                        .json("{\"orderId\":\"authz-next-purchase\",\"amountCents\":100,\"currency\":\"USD\"}").hidden()
                        .grant("2xx", BO).grant("409", SO)
                        .note("the account's user only (not support); the seller has no credit: `409 insufficient-balance`"),
                get("/accounts/{userId}/redemptions/{requestId}").call("/accounts/{account}/redemptions/{redemption}").hidden()
                        .grant("200", BO, AGENT).grant("409", SO)
                        .note("the seller's own redemption was refused, and a refused redemption is answered with its refusal"),
                post("/accounts/{userId}/cash-outs").call("/accounts/{account}/cash-outs").hidden().grant("422", BO, SO)
                        .note("the account's user: `422 cash-out-not-supported` (rule 6)"))) {
            all.add(row.on(Service.CREDITS));
        }
        // messaging-service
        for (var row : List.of(
                get("/orders/{orderId}/conversation").call("/orders/{order}/conversation").hidden().grant("200", BO, SO, AGENT),
                get("/orders/{orderId}/conversation/messages/{seq}").call("/orders/{order}/conversation/messages/{seq}").hidden()
                        .grant("200", BO, SO, AGENT),
                post("/orders/{orderId}/conversation/messages").call("/orders/{order}/conversation/messages")
                        .json("{\"text\":\"Hello from the authorization matrix\"}").hidden().grant("201", BO, SO).grant("403", AGENT)
                        .note("support reads conversations and takes part through a case"),
                post("/orders/{orderId}/cancellation-requests").call("/orders/{order:late}/cancellation-requests")
                        .json("{\"reason\":\"CHANGED_MIND\",\"note\":\"Please cancel\"}").hidden()
                        .grant("201", BO).grant("403", SO, AGENT).note("an order past its 3-hour window; the buyer only"),
                get("/orders/{orderId}/conversation-commands/{commandId}")
                        .call("/orders/{order}/conversation-commands/{conversationCommand}").hidden()
                        .grant("200", BO, SO).note("the caller's own command ids only; the others name the buyer's"),
                get("/orders/{orderId}/cancellation-requests").call("/orders/{order:lateApprove}/cancellation-requests").hidden()
                        .grant("200", BO, SO, AGENT),
                get("/orders/{orderId}/cancellation-requests/{requestId}")
                        .call("/orders/{order:lateApprove}/cancellation-requests/{request:approve}").hidden().grant("200", BO, SO, AGENT),
                post("/orders/{orderId}/cancellation-requests/{requestId}/approval")
                        .call("/orders/{order:lateApprove}/cancellation-requests/{request:approve}/approval").json("{}").hidden()
                        .grant("2xx", SO).grant("403", BO, AGENT).note("the seller only"),
                post("/orders/{orderId}/cancellation-requests/{requestId}/decline")
                        .call("/orders/{order:lateDecline}/cancellation-requests/{request:decline}/decline")
                        .json("{\"note\":\"It is already packed\"}").hidden().grant("2xx", SO).grant("403", BO, AGENT)
                        .note("the seller only"),
                get("/notifications").everyoneSignedIn("200").note("the caller's own inbox"),
                post("/notifications/{notificationId}/read").call("/notifications/{notification}/read").hidden().grant("2xx", BO, SO)
                        .note("owners mark one of their own notifications; everybody else names the buyer's"),
                post("/notifications/read-all").everyoneSignedIn("2xx").note("the caller's own inbox"),
                get("/notifications/stream").everyoneSignedIn("200").note("the caller's own live notifications (text/event-stream)"))) {
            all.add(row.on(Service.MESSAGING));
        }
        // support-service
        for (var row : List.of(
                post("/cases").json("{\"orderId\":\"{order}\",\"type\":\"COMPLAINT\",\"description\":\"Opened by the authorization matrix\"}")
                        .hidden().grant("2xx", BO, SO).grant("403", AGENT, CARRIER, CX)
                        .note("the order's buyer or seller (201 new, 200 added to the open case); other roles 403"),
                get("/cases/{caseId}").call("/cases/{case}").hidden().grant("200", BO, SO, AGENT),
                get("/cases").grant("200", BO, BX, SO, SX, AGENT).note("support: every case; parties: their own"),
                post("/cases/{caseId}/statements").call("/cases/{case}/statements").json("{\"text\":\"My statement\"}").hidden()
                        .grant("2xx", BO, SO, AGENT),
                post("/cases/{caseId}/evidence/messages").call("/cases/{case}/evidence/messages")
                        .json("{\"messageId\":\"{messageId}\"}").hidden().grant("2xx", BO, SO, AGENT),
                post("/cases/{caseId}/evidence/files").call("/cases/{case}/evidence/files?name=note.txt")
                        .raw("text/plain", "A note attached by the authorization matrix\n").hidden().grant("2xx", BO, SO, AGENT),
                get("/cases/{caseId}/evidence/files/{fileId}").call("/cases/{case}/evidence/files/{file}").hidden()
                        .grant("200", BO, AGENT).note("the buyer's file: the seller sees it only from mediation on"),
                post("/cases/{caseId}/assignment").call("/cases/{case}/assignment").json("{\"agentId\":\"{agent}\"}").hidden()
                        .grant("200", AGENT).grant("403", BO, SO).note("support only; a party who can read the case: 403"),
                post("/cases/{caseId}/review").call("/cases/{case:review}/review").json("{}").hidden()
                        .grant("200", AGENT).grant("403", BO, SO).note("an open case"),
                post("/cases/{caseId}/mediation").call("/cases/{case:mediate}/mediation").json("{}").hidden()
                        .grant("200", AGENT).grant("403", BO, SO).note("a case in review"),
                post("/cases/{caseId}/resolution").call("/cases/{case:resolve}/resolution")
                        .json("{\"outcome\":\"NO_CANCELLATION\",\"reason\":\"Resolved by the authorization matrix\"}").hidden()
                        .grant("200", AGENT).grant("403", BO, SO).note("a case in review"),
                get("/orders/{orderId}/case-commands/{commandId}").call("/orders/{order}/case-commands/{caseCommand}").hidden()
                        .grant("200", BO, SO).note("the caller's own command ids only; the others name the buyer's"),
                get("/console/config").open("200").note("the support console's settings (issuer, API addresses); no data"))) {
            all.add(row.on(Service.SUPPORT));
        }
        // every service
        for (var service : Service.values()) {
            all.add(get("/v3/api-docs").open("200").framework().note("the service's OpenAPI document").on(service));
            all.add(get("/v3/api-docs.yaml").open("200").framework().note("the same, as YAML").on(service));
            all.add(get("/actuator/health/readiness").open("200").framework().note("probes").on(service));
            all.add(get("/actuator/info").open("200").framework().on(service));
            all.add(get("/actuator/prometheus").open("200").framework().note("scraped by Prometheus").on(service));
        }
        return List.copyOf(all);
    }

    static String markdown() {
        var out = new StringBuilder();
        out.append("# Authorization matrix\n\n");
        out.append("<!-- Generated from tests/system-tests/src/test/java/market/resale/systemtests/AuthzMatrix.java by "
                + "AuthorizationMatrixTest; edit the matrix there, then run the test with -Dauthz.write-docs=true. -->\n\n");
        out.append("Every endpoint of every service, called as every kind of caller by `AuthorizationMatrixTest` (system-tests) "
                + "against the five services running on a real broker and registry. The matrix is declared in one place, "
                + "`AuthzMatrix`, **deny by default**: a row starts with every caller refused and grants what it names. "
                + "The test fails on any answer other than the one declared here, and on any controller mapping without a row.\n\n");
        out.append("Callers:\n\n");
        for (var caller : Caller.values()) {
            out.append("- **").append(caller.label).append("**: ").append(caller.meaning).append('\n');
        }
        out.append("\n\"Owner\" is the party the path names: the order's buyer or seller, the account's user, the case's "
                + "parties, the notification's or command's user. Answers: `2xx` any success (200, 201, or 202 when the "
                + "decision takes longer than the wait); `401` no valid token; `403` signed in but the role or the rule "
                + "forbids it; `404` not a party (the resource is hidden, whether or not it exists); `409`/`422` access "
                + "granted and the request refused by a business rule. Writes are called with valid bodies, so that an answer "
                + "reflects authorization and not validation.\n\n");
        var cells = 0;
        for (var service : Service.values()) {
            out.append("## ").append(service.id).append("\n\n| endpoint |");
            for (var caller : Caller.values()) {
                out.append(' ').append(caller.label).append(" |");
            }
            out.append(" notes |\n|---|");
            out.append("---|".repeat(Caller.values().length)).append("---|\n");
            for (var endpoint : ENDPOINTS) {
                if (endpoint.service() != service) {
                    continue;
                }
                out.append("| `").append(endpoint.mapping()).append("` |");
                for (var caller : Caller.values()) {
                    out.append(' ').append(endpoint.expected().get(caller)).append(" |");
                    cells++;
                }
                out.append(' ').append(endpoint.note()).append(" |\n");
            }
            out.append('\n');
        }
        var applicationRows = ENDPOINTS.stream().filter(Endpoint::application).count();
        out.append("## Size\n\n").append(ENDPOINTS.size()).append(" endpoint rows (").append(applicationRows)
                .append(" controller mappings, ").append(ENDPOINTS.size() - applicationRows)
                .append(" actuator endpoints) × ").append(Caller.values().length).append(" callers = ").append(cells)
                .append(" calls per run.\n\n");
        out.append("""
                ## Tokens

                - **Every profile, the local one included**: no service holds a signing secret or mints tokens.
                  Tokens are validated by Spring Boot's resource server against the identity provider:
                  `spring.security.oauth2.resourceserver.jwt.issuer-uri` (checks `iss`, and discovers the keys when
                  `jwk-set-uri` is not set), `jwk-set-uri` (the signature), `audiences` (`aud` must name one of them;
                  the services default to `order-cancellation`, and a service without audiences or keys does not start),
                  `exp`/`nbf` (60 s skew; a token without `exp` or `sub` is refused, `JwtPolicy`). The `roles` claim (a
                  list, or a space/comma separated string) maps to BUYER / SELLER / SUPPORT / CARRIER.
                - **Local profile** (`./stack up`, docker compose, the tests): the identity provider is the local stack's
                  token issuer (the `token-issuer` module, Spring Authorization Server; `TOKEN_ISSUER_URL`, default
                  `http://127.0.0.1:8090`). Its `local-tools` client gets a token for any user and roles with a
                  client-credentials request (`user=`, `roles=`); see the README.
                - Tested by `ProductionJwtValidationTest` (platform: a JWKS served by an in-test HTTP server, RSA keys
                  generated in the test), `AuthorizationMatrixTest.theLocalIssuersTokens…` (the services of this matrix
                  accept the issuer's tokens and refuse another key's, expired ones and another audience's, all signed
                  with the issuer's own key but the first) and `AuthorizationMatrixTest.outsideTheLocalProfile…`
                  (orders-service in another profile trusts only its own identity provider).
                - The security chain is stateless: no `WebSession` is created or read and a refused request is not
                  saved for replay (`NoOpServerSecurityContextRepository`, `NoOpServerRequestCache`).

                ## Known issue

                Reactor Netty 1.3.6 (the version Spring Boot 4.0.7 brings) sometimes stops reading an HTTP/1.1 keep-alive
                connection after a request that was buffered behind a response completed off the event loop
                (reactor/reactor-netty#4361): the next request on that connection gets no answer. Making the security chain
                stateless removed the most frequent trigger (anonymous 401s completed on another thread; see
                `ProductionJwtValidationTest.refusedAndAcceptedRequestsTakeTurnsOnOneKeepAliveConnectionWithoutHanging`), but
                not all of them: `AuthorizationMatrixTest` resends such a request once on a new connection and prints how
                many it resent. The fix is a Reactor Netty release with reactor/reactor-netty#4347.
                """);
        return out.toString();
    }
}

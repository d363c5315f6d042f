package market.resale.platform.web;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Issue 16, point 6: a body that is JSON but does not fit the endpoint names the field it is about (and, for an enum,
 * the values allowed), like any other invalid field; only a body that is not JSON at all is malformed.
 */
class ProblemHandlingTest {

    enum Kind { ACCEPTED, IN_TRANSIT, DELIVERED }

    record Item(String sku, long quantity) {
    }

    record Body(Kind kind, long amountCents, Instant at, String note, List<Item> items) {
    }

    @RestController
    static class Endpoint {
        @PostMapping(path = "/things", consumes = MediaType.APPLICATION_JSON_VALUE)
        Body post(@RequestBody Body body) {
            return body;
        }
    }

    private final WebTestClient client = WebTestClient.bindToController(new Endpoint()).controllerAdvice(new ProblemHandling()).build();

    private WebTestClient.BodyContentSpec post(String json) {
        return client.post().uri("/things").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody();
    }

    @Test
    void anUnknownEnumValueNamesTheFieldAndTheValuesAllowed() {
        post("{\"kind\":\"TELEPORTED\",\"amountCents\":1}")
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.kind").isEqualTo("must be one of ACCEPTED, IN_TRANSIT, DELIVERED")
                .jsonPath("$.allowedValues.kind").isEqualTo(List.of("ACCEPTED", "IN_TRANSIT", "DELIVERED"));
    }

    @Test
    void aWrongTypeNamesTheField() {
        post("{\"kind\":\"ACCEPTED\",\"amountCents\":\"lots\"}")
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.amountCents").isEqualTo("must be a whole number within range");
        post("{\"at\":\"yesterday\"}")
                .jsonPath("$.fields.at").exists();
        post("{\"note\":{\"nested\":true}}")
                .jsonPath("$.fields.note").isEqualTo("must be text");
        post("{\"items\":[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":\"many\"}]}")
                .jsonPath("$.fields['items[1].quantity']").exists();
    }

    @Test
    void aNumberOutOfRangeNamesTheField() {
        post("{\"amountCents\":99999999999999999999999999}")
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.amountCents").exists();
    }

    @Test
    void aBodyThatIsNotJsonIsMalformed() {
        post("{\"kind\": ACCEPTED")
                .jsonPath("$.code").isEqualTo("malformed-request")
                .jsonPath("$.detail").isEqualTo("The request body is not valid JSON for this endpoint");
    }
}

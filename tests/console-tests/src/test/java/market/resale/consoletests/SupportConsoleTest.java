package market.resale.consoletests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.serde.TrustedPackages;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ProcessStack;
import market.resale.testsupport.ProjectLayout;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 7, the support console end to end: the whole stack as processes (broker, registry, token issuer,
 * the five services), headless Chromium (Debian's package) driven by Playwright. A seller leaves a buyer's
 * two messages unanswered, messaging calls the seller non-responsive and support opens the case by itself;
 * an agent signs in on the token issuer's login page, finds the case in the queue, reads the order, the
 * conversation and the evidence (the buyer's screenshot shown as an image), assigns it, reviews it and
 * resolves it by ordering a cancellation, and sees the credit issued. Screenshots of the views go to
 * {@code target/console-screenshots/} (and to {@code docs/console/} with {@code -Dconsole.screenshots.update=true}).
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class SupportConsoleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String AGENT = "agent-ada";
    private static final String AGENT_PASSWORD = "agent-ada-password";

    private static ProcessStack stack;
    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void startTheStackAndTheBrowser() throws Exception {
        TrustedPackages.register();
        // The seller is called non-responsive after 5 s here (24 h in production), as under ./stack up.
        stack = ProcessStack.forTests("console").serviceArgs(List.of("--app.messaging.non-responsive.after=5s"));
        stack.startAll();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(System.getProperty("console.chromium", "/usr/bin/chromium")))
                .setHeadless(true).setArgs(List.of("--no-sandbox")));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAgentResolvesANonResponsiveSellerCaseByOrderingACancellationAndSeesTheCreditIssued() throws Exception {
        var run = UUID.randomUUID().toString().substring(0, 6);
        var buyer = "ann-" + run;
        var seller = "sam-" + run;
        var orderId = "order-" + run;
        var buyerToken = stack.token(buyer, "BUYER");
        var agentToken = stack.token(AGENT, "SUPPORT");

        // Placed 4 hours ago: past the buyer's own window, so only the seller (or support) can cancel.
        placeOrder(orderId, buyer, seller, Instant.now().minus(Duration.ofHours(4)));
        for (var text : List.of("Hi, could you cancel this order? I ordered the wrong size.", "Hello? Are you there?")) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    post("messaging-service", "/orders/" + orderId + "/conversation/messages", buyerToken, "{\"text\":\"" + text + "\"}")
                            .statusCode() / 100 == 2);
        }
        var caseId = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var cases = JSON.readTree(get("support-service", "/cases?type=NON_RESPONSIVE_SELLER&size=100", agentToken).body());
            for (var c : cases.get("cases")) {
                if (orderId.equals(c.get("orderId").asString())) {
                    return c.get("caseId").asString();
                }
            }
            return null;
        }, id -> id != null);
        // The buyer adds a screenshot to the case, as evidence.
        var upload = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl("support-service") + "/cases/" + caseId
                        + "/evidence/files?name=unanswered-chat.png"))
                .header("Authorization", "Bearer " + buyerToken).header("Content-Type", "image/png")
                .header("Idempotency-Key", "shot-" + run)
                .POST(HttpRequest.BodyPublishers.ofByteArray(screenshotOfTheChat())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isIn(201, 202);

        var errors = new CopyOnWriteArrayList<String>();
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900))) {
            var page = context.newPage();
            page.onConsoleMessage(message -> {
                if ("error".equals(message.type())) {
                    errors.add(message.text() + " at " + message.location());
                }
            });
            page.onResponse(response -> {
                if (response.status() >= 400) {
                    errors.add(response.status() + " from " + response.url());
                }
            });
            page.onPageError(errors::add);

            // Sign in through the token issuer (authorization code with PKCE).
            var served = page.navigate(stack.consoleUrl());
            assertThat(served.headers().get("content-security-policy")).as("the page's Content-Security-Policy")
                    .contains("script-src 'self'").contains("connect-src 'self' " + stack.issuerUrl());
            page.click("#sign-in");
            page.waitForURL(url -> url.startsWith(stack.issuerUrl() + "/login"));
            page.fill("#username", AGENT);
            page.fill("#password", AGENT_PASSWORD);
            page.click("button[type=submit]");
            page.waitForSelector("#queue");
            assertThat(page.textContent("#who")).contains(AGENT);

            // The queue, filtered to non-responsive sellers, unassigned.
            page.selectOption("#filter-type", "NON_RESPONSIVE_SELLER");
            page.selectOption("#filter-assignee", "none");
            page.click("#filters button[type=submit]");
            var row = "tr[data-case='" + caseId + "']";
            page.waitForSelector(row);
            assertThat(page.textContent(row)).contains(orderId).contains("OPEN").contains("unassigned");
            shot(page, "queue.png");

            // The case: order, conversation, evidence (the screenshot shown), audit.
            page.click(row);
            page.waitForSelector("#case");
            page.waitForSelector("#evidence img", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
            assertThat((Integer) page.evalOnSelector("#evidence img", "img => img.naturalWidth")).as("the screenshot is viewable").isPositive();
            assertThat(page.textContent("#conversation")).contains("I ordered the wrong size").contains("Are you there?");
            assertThat(page.textContent("#evidence")).contains("MESSAGE").contains("unanswered-chat.png");
            assertThat(page.textContent("#order-panel")).contains("PLACED").contains("Wool coat");
            assertThat(page.textContent("#credits")).contains("No credit");
            assertThat(page.textContent("#audit")).contains("OPENED");
            shot(page, "case.png");

            // Assign, review, resolve by ordering a cancellation.
            page.click("#assign-me");
            page.waitForSelector("#notice:has-text('Assign to me')");
            awaitCase(page, c -> c.contains(AGENT), "#case-panel");
            page.click("#start-review");
            awaitStatus(page, "IN_REVIEW");
            page.selectOption("#outcome", "ORDER_CANCELLATION");
            page.selectOption("#cancel-reason", "SELLER_NON_RESPONSIVE");
            page.fill("#reason", "The seller left the buyer's messages unanswered for over a day.");
            page.click("#resolve-submit");

            // orders-service carries the cancellation out, credits-service issues the credit: the page shows both.
            awaitStatus(page, "RESOLVED");
            awaitCase(page, text -> text.contains("ISSUED_AS_STORE_CREDIT"), "#order-panel");
            awaitCase(page, text -> text.contains("CREDIT"), "#credits");
            assertThat(page.textContent("#case-panel")).contains("ORDER_CANCELLED");
            assertThat(page.textContent("#order-panel")).contains("CANCELLED");
            assertThat(page.textContent("#audit")).contains("ASSIGNED").contains("REVIEW_STARTED").contains("CANCELLATION_ORDERED")
                    .contains("CANCELLATION_CARRIED_OUT");
            shot(page, "resolved.png");
        }
        assertThat(errors).as("errors in the page's console (a refused cross-origin call shows here)").isEmpty();

        // What the agent saw is what the APIs say: one credit, of the order's total, for this order.
        var ledger = JSON.readTree(get("credits-service", "/accounts/" + buyer + "/ledger", agentToken).body()).get("entries");
        var forOrder = new ArrayList<JsonNode>();
        ledger.forEach(entry -> {
            if (orderId.equals(entry.get("orderId").asString())) {
                forOrder.add(entry);
            }
        });
        assertThat(forOrder).hasSize(1);
        assertThat(forOrder.getFirst().get("amountCents").asLong()).isEqualTo(12_000 + 800 + 960);
        var kase = JSON.readTree(get("support-service", "/cases/" + caseId, agentToken).body());
        assertThat(kase.get("outcome").asString()).isEqualTo("ORDER_CANCELLED");
        assertThat(kase.get("assigneeId").asString()).isEqualTo(AGENT);

        if (Boolean.getBoolean("console.screenshots.update")) {
            var docs = ProjectLayout.root().resolve("docs/console");
            Files.createDirectories(docs);
            for (var name : List.of("queue.png", "case.png", "resolved.png")) {
                Files.copy(SHOTS.resolve(name), docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Clicks Refresh until {@code selector}'s text passes {@code check} (the services apply writes asynchronously). */
    private static void awaitCase(Page page, java.util.function.Predicate<String> check, String selector) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(750)).until(() -> {
            if (check.test(page.textContent(selector))) {
                return true;
            }
            page.click("#refresh");
            page.waitForSelector("#notice:has-text('Refreshed')");
            return check.test(page.textContent(selector));
        });
    }

    private static void awaitStatus(Page page, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(750)).until(() -> {
            if (status.equals(page.getAttribute("#case", "data-status"))) {
                return true;
            }
            page.click("#refresh");
            page.waitForSelector("#notice:has-text('Refreshed')");
            return status.equals(page.getAttribute("#case", "data-status"));
        });
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name)).setFullPage(true));
    }

    private static void placeOrder(String orderId, String buyer, String seller, Instant placedAt) throws Exception {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<String, byte[]>(props, new StringSerializer(), new ByteArraySerializer());
             var serializer = new AvroSerializer<SpecificRecord>()) {
            serializer.configure(Map.of(RegistrySettings.URL, stack.registryUrl()), false);
            var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId(seller)
                    .setListingId("l-" + orderId).setTitle("Wool coat").setSize("M").setCondition(ItemCondition.EXCELLENT)
                    .setPriceCents(12_000).setShippingCents(800).setTaxCents(960).setCreditsAppliedCents(0)
                    .setCurrency("USD").setPlacedAt(placedAt).build();
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, serializer.serialize(Topics.ORDER_PLACED.name(), order)))
                    .get();
        }
    }

    /** A small PNG of the unanswered chat, as a buyer would attach. */
    private static byte[] screenshotOfTheChat() throws Exception {
        var image = new BufferedImage(360, 120, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 360, 120);
        g.setColor(new Color(0xF2, 0xF4, 0xF7));
        g.fillRoundRect(12, 14, 300, 36, 12, 12);
        g.fillRoundRect(12, 64, 200, 36, 12, 12);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("Could you cancel this order?", 24, 37);
        g.drawString("Hello? Are you there?", 24, 87);
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static HttpResponse<String> get(String service, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String service, String path, String token, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

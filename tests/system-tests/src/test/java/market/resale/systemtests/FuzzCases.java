package market.resale.systemtests;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates the fuzz cases of one endpoint from what it declares (path variables, query parameters,
 * headers, body type and its constraints), with a seeded {@link Random} so a run can be repeated.
 *
 * <p>Two kinds of case. <b>Guarded</b> cases are invalid by construction for that endpoint (a bad token,
 * an id that cannot be one, a declared parameter or header out of range, a body that is not JSON, lacks a
 * required field or has a wrong type or amount), are sent by the parties of the guarded order and by
 * support agents, and address the guarded order, case and account: they must be refused and change
 * nothing. <b>Sandbox</b> cases may well be valid (unicode edge cases in free text, unknown fields,
 * another role in the token): they address the sandbox order with its own parties, where a change is
 * allowed; they must still never get a 5xx.
 */
final class FuzzCases {

    /** Who and what the cases address. */
    record World(Map<String, String> guardedIds, Map<String, String> sandboxIds, List<String> guardedCallers,
                 List<String> sandboxCallers, String strangerToken, Map<String, String> badAuthorizations,
                 List<String> wrongRoleTokens) {
    }

    record Case(int id, FuzzEndpoint endpoint, String family, String what, String method, String pathAndQuery,
                Map<String, String> headers, byte[] body, boolean chunked, boolean guarded) {

        String describe() {
            var shown = new LinkedHashMap<>(headers);
            shown.computeIfPresent("Authorization", (k, v) -> v.length() > 40 ? v.substring(0, 40) + "…" : v);
            var text = body == null ? "(no body)" : body.length > 300
                    ? body.length + " bytes: " + new String(body, 0, 200, StandardCharsets.UTF_8) + "…"
                    : new String(body, StandardCharsets.UTF_8);
            return "#" + id + " [" + family + ": " + what + "] " + endpoint.service() + " " + method + " "
                    + (pathAndQuery.length() > 200 ? pathAndQuery.substring(0, 200) + "…" : pathAndQuery)
                    + " headers=" + shown + (chunked ? " (chunked)" : "") + " body=" + text;
        }
    }

    private static final String[] BAD_IDS = {
            "a".repeat(65), "a".repeat(2000), "..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%2F", "%00", "a%00b", "%20", "a%20b",
            "%F0%9F%98%80", "%C3%28", "%ff%fe", "%E2%80%AEevil", "e%CC%81%CC%81%CC%81", "-1", "9223372036854775808", "1e309",
            "null", "%3Cscript%3E", "%252e%252e%252f", "%7B%7D", "a;b=c", "%EF%BB%BF", "%0d%0aX-Injected:%201",
    };

    private static final String[] MALFORMED = {
            "", " ", "{", "}", "{\"", "[", "nul", "tru", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "][",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}", "\u0000", "{\"a\":NaN}", "{\"a\":Infinity}",
            "{\"a\":01}", "{\"a\":1e}", "/* comment */ {}", "{\"a\":1}\u0000garbage{",
    };

    private static final String[] UNICODE = {
            "nul\u0000inside", "\\u0000", "\\ud800", "\\udfff", "\\ud800\\ud800", "lone \\udc00 low", "\u202Egnp.exe",
            "\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627", "😀👍🏽👨‍👩‍👧", "e" + "\u0301".repeat(200), "\uFEFFbom",
            "zero\u200Bwidth", "\u0007\u001b[31mred", "\t\n\r", "\uFFFF\uFFFE", "𝕬𝖇𝖈", "a\\\"b\\\\c",
    };

    private final World world;
    private final Random rng;
    private int next = 1;

    FuzzCases(World world, Random rng) {
        this.world = world;
        this.rng = rng;
    }

    /** A request under construction. */
    private final class Request {
        final FuzzEndpoint endpoint;
        final boolean guarded;
        final Map<String, String> ids;
        final Map<String, String> path = new LinkedHashMap<>();
        final Map<String, String> query = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        boolean chunked;

        Request(FuzzEndpoint endpoint, boolean guarded) {
            this.endpoint = endpoint;
            this.guarded = guarded;
            this.ids = guarded ? world.guardedIds() : world.sandboxIds();
            for (var name : endpoint.variableNames()) {
                path.put(name, ids.getOrDefault(name, ids.get("*")));
            }
            var callers = guarded ? world.guardedCallers() : world.sandboxCallers();
            headers.put("Authorization", "Bearer " + callers.get(rng.nextInt(callers.size())));
            for (var header : endpoint.headers()) {
                if (header.required()) {
                    headers.put(header.name(), header.name().equalsIgnoreCase("Idempotency-Key") ? key() : "x");
                }
            }
            for (var param : endpoint.queryParams()) {
                if (param.required()) {
                    query.put(param.name(), "x");
                }
            }
            if (endpoint.bodyType() != null) {
                headers.put("Content-Type", "application/json");
                body = bytes(template(endpoint.bodyType(), ids));
            }
        }

        Case build(String family, String what) {
            var p = endpoint.path(path);
            var q = new StringBuilder();
            query.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=').append(v));
            return new Case(next++, endpoint, family, what, endpoint.method(), p + q, Map.copyOf(headers), body, chunked, guarded);
        }
    }

    List<Case> of(FuzzEndpoint endpoint) {
        var cases = new ArrayList<Case>();
        auth(endpoint, cases);
        path(endpoint, cases);
        query(endpoint, cases);
        headers(endpoint, cases);
        if (endpoint.bodyType() != null) {
            body(endpoint, cases);
        } else if (endpoint.writes()) {
            rawBody(endpoint, cases);
        }
        return cases;
    }

    private void auth(FuzzEndpoint e, List<Case> out) {
        world.badAuthorizations().forEach((what, authorization) -> {
            var r = new Request(e, true);
            if (authorization == null) {
                r.headers.remove("Authorization");
            } else {
                r.headers.put("Authorization", authorization);
            }
            out.add(r.build("token", what));
        });
        for (var token : world.wrongRoleTokens()) {
            var r = new Request(e, false);
            r.headers.put("Authorization", "Bearer " + token);
            out.add(r.build("role", "another role in the token"));
        }
    }

    private void path(FuzzEndpoint e, List<Case> out) {
        for (var name : e.variableNames()) {
            for (var bad : BAD_IDS) {
                var r = new Request(e, true);
                r.path.put(name, bad);
                out.add(r.build("path-id", name + "=" + abbreviate(bad)));
            }
            var r = new Request(e, true);
            r.path.put(name, r.path.get(name) + "%00");
            out.add(r.build("path-id", name + " with a trailing NUL"));
        }
    }

    private void query(FuzzEndpoint e, List<Case> out) {
        for (var param : e.queryParams()) {
            for (var bad : badValues(param.type())) {
                var r = new Request(e, true);
                r.query.put(param.name(), bad);
                out.add(r.build("query", param.name() + "=" + abbreviate(bad)));
            }
        }
        if (!e.writes()) {
            for (var generic : List.of("page=-1", "size=1000000", "page=99999999999", "size=0&size=1", "%00=%00")) {
                var r = new Request(e, true);
                var split = generic.split("=", 2);
                r.query.put(split[0], split[1]);
                out.add(r.build("query", generic));
            }
            var accept = new Request(e, true);
            accept.headers.put("Accept", "application/xml");
            out.add(accept.build("header", "Accept: application/xml"));
        }
    }

    private void headers(FuzzEndpoint e, List<Case> out) {
        for (var header : e.headers()) {
            if (header.name().equalsIgnoreCase("Idempotency-Key")) {
                for (var bad : List.of("", "short", "x".repeat(65), "has space", "a/b/c/d/e/f", "'; DROP TABLE x; --", "%00%00%00%00")) {
                    var r = new Request(e, true);
                    r.headers.put(header.name(), bad);
                    out.add(r.build("header", header.name() + ": " + abbreviate(bad)));
                }
            }
            if (header.required()) {
                var r = new Request(e, true);
                r.headers.remove(header.name());
                out.add(r.build("header", "required " + header.name() + " missing"));
            }
        }
        if (e.bodyType() != null) {
            for (var type : List.of("text/plain", "application/xml", "application/json;charset=x-no-such-charset",
                    "application/json;charset=UTF-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                    "*/*", "garbage")) {
                var r = new Request(e, true);
                r.headers.put("Content-Type", type);
                if (type.contains("UTF-16")) {
                    r.body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8); // declared UTF-16, sent as UTF-8
                }
                out.add(r.build("content-type", type));
            }
            var r = new Request(e, true);
            r.headers.remove("Content-Type");
            out.add(r.build("content-type", "none"));
        }
    }

    private void body(FuzzEndpoint e, List<Case> out) {
        var type = e.bodyType();
        var required = requiredFields(type);
        Consumer<String> guardedRaw = text -> {
            // Without a required body, an empty one is a valid request.
            var r = new Request(e, e.bodyRequired() || !text.isBlank());
            r.body = text.getBytes(StandardCharsets.UTF_8);
            out.add(r.build("body-malformed", abbreviate(text)));
        };
        for (var text : MALFORMED) {
            guardedRaw.accept(text);
        }
        for (var text : List.of("[]", "\"a string\"", "123", "true", "[{}]")) {
            var r = new Request(e, true);
            r.body = text.getBytes(StandardCharsets.UTF_8);
            out.add(r.build("body-type", "not an object: " + text));
        }
        if (e.bodyRequired()) {
            var r = new Request(e, true);
            r.body = "null".getBytes(StandardCharsets.UTF_8);
            out.add(r.build("body-missing", "null body"));
            var empty = new Request(e, true);
            empty.body = new byte[0];
            out.add(empty.build("body-missing", "empty body"));
        }
        if (!required.isEmpty()) {
            var r = new Request(e, true);
            r.body = "{}".getBytes(StandardCharsets.UTF_8);
            out.add(r.build("body-missing", "{}"));
        }
        // Truncations of a valid body at seeded positions, and random bytes.
        var valid = new Request(e, true).body;
        for (int i = 0; i < 5; i++) {
            var r = new Request(e, true);
            r.body = java.util.Arrays.copyOf(valid, rng.nextInt(Math.max(1, valid.length - 1)));
            out.add(r.build("body-malformed", "truncated at " + r.body.length));
        }
        for (int i = 0; i < 3; i++) {
            var r = new Request(e, true);
            r.body = new byte[1 + rng.nextInt(300)];
            rng.nextBytes(r.body);
            r.body[0] = (byte) '{';
            out.add(r.build("body-malformed", "random bytes"));
        }
        var deep = new Request(e, true);
        deep.body = ("[".repeat(50_000)).getBytes(StandardCharsets.US_ASCII);
        out.add(deep.build("body-malformed", "50000 nested arrays"));
        var deepObject = new Request(e, true);
        deepObject.body = ("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)).getBytes(StandardCharsets.US_ASCII);
        out.add(deepObject.build("body-malformed", "5000 nested objects"));
        // Over the size limit: declared, chunked, and far over.
        for (var size : List.of(100 * 1024, 2 * 1024 * 1024)) {
            for (var chunked : List.of(false, true)) {
                var r = new Request(e, true);
                var node = (ObjectNode) ServiceProcess.JSON.readTree(r.body);
                node.put("pad", "x".repeat(size));
                r.body = bytes(node);
                r.chunked = chunked;
                out.add(r.build("body-huge", size / 1024 + " KB" + (chunked ? " chunked" : "")));
            }
        }
        var fields = fields(type);
        for (var field : fields) {
            var name = field.getName();
            var isRequired = required.contains(name);
            if (isRequired) {
                out.add(mutate(e, true, "body-missing", name + " missing", n -> n.remove(name)));
                out.add(mutate(e, true, "body-missing", name + " null", n -> n.putNull(name)));
            }
            for (var wrong : wrongTypes(field)) {
                out.add(literal(e, true, "body-type", name + "=" + abbreviate(wrong), name, wrong));
            }
            if (number(field.getType())) {
                for (var amount : List.of("9223372036854775808", "-9223372036854775809", "1e309", "-1e309", "1.5", "0.0001",
                        "99999999999999999999999999999999999999")) {
                    out.add(literal(e, true, "body-amount", name + "=" + amount, name, amount));
                }
                var positive = field.isAnnotationPresent(Positive.class) || minimum(field) >= 1;
                var nonNegative = positive || field.isAnnotationPresent(PositiveOrZero.class) || minimum(field) >= 0;
                for (var amount : List.of("-1", "0", "-9223372036854775808")) {
                    var refused = amount.equals("0") ? positive : nonNegative;
                    out.add(literal(e, refused, "body-amount", name + "=" + amount, name, amount));
                }
            }
            if (field.getType() == String.class) {
                var limited = field.isAnnotationPresent(Pattern.class)
                        || (field.getAnnotation(Size.class) instanceof Size s && s.max() < 10_000);
                out.add(mutate(e, limited, "body-huge-string", name + " of 10000 chars", n -> n.put(name, "x".repeat(10_000))));
                out.add(mutate(e, true, "body-huge-string", name + " of 70000 chars", n -> n.put(name, "x".repeat(70_000))));
                for (var text : UNICODE) {
                    var guarded = field.isAnnotationPresent(Pattern.class);
                    out.add(literal(e, guarded, "body-unicode", name + "=" + abbreviate(text), name, quote(text)));
                }
                var blankRefused = field.isAnnotationPresent(NotBlank.class) || field.isAnnotationPresent(Pattern.class);
                out.add(mutate(e, blankRefused, "body-unicode", name + " blank", n -> n.put(name, " \t ")));
                var badUtf8 = new Request(e, true);
                var node = (ObjectNode) ServiceProcess.JSON.readTree(badUtf8.body);
                node.put(name, "@@BAD@@");
                badUtf8.body = replace(bytes(node), "@@BAD@@", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
                out.add(badUtf8.build("body-malformed", name + " with invalid UTF-8"));
            }
        }
        out.add(mutate(e, false, "body-extra", "an unknown field", n -> n.put("isAdmin", true)));
        out.add(literal(e, false, "body-extra", "a nested unknown object", "x", "{\"y\":[1,{\"z\":null}]}"));
        var duplicate = new Request(e, false);
        var text = new String(duplicate.body, StandardCharsets.UTF_8);
        duplicate.body = (text.substring(0, text.length() - 1) + (text.length() > 2 ? "," : "")
                + text.substring(1)).getBytes(StandardCharsets.UTF_8);
        out.add(duplicate.build("body-extra", "every key twice"));
        var bom = new Request(e, false);
        bom.body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bom.body);
        out.add(bom.build("body-extra", "UTF-8 BOM before the body"));
        var trailing = new Request(e, false);
        trailing.body = concat(trailing.body, " }{ trailing".getBytes(StandardCharsets.UTF_8));
        out.add(trailing.build("body-extra", "trailing garbage after the body"));
    }

    /** Endpoints that read no JSON body (they may read raw bytes, or nothing): sent by a stranger, who can change nothing. */
    private void rawBody(FuzzEndpoint e, List<Case> out) {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        var bodies = new LinkedHashMap<String, byte[]>();
        bodies.put("application/octet-stream", randomBytes(500));
        bodies.put("image/png", concat(png, randomBytes(200)));
        bodies.put("image/png;charset=none", "not a png".getBytes(StandardCharsets.UTF_8));
        bodies.put("text/plain", "\u0000\u0001 text".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/json", "{\"unexpected\":true}".getBytes(StandardCharsets.UTF_8));
        bodies.put("image/svg+xml", "<svg onload=alert(1)/>".getBytes(StandardCharsets.UTF_8));
        bodies.forEach((contentType, bytes) -> {
            var r = new Request(e, true);
            r.headers.put("Authorization", "Bearer " + world.strangerToken());
            r.headers.put("Content-Type", contentType);
            r.body = bytes;
            out.add(r.build("raw-body", contentType + ", " + bytes.length + " bytes, by a stranger"));
        });
        for (var size : List.of(5 * 1024 * 1024, 9 * 1024 * 1024)) {
            var r = new Request(e, true);
            r.headers.put("Authorization", "Bearer " + world.strangerToken());
            r.headers.put("Content-Type", "image/png");
            r.body = concat(png, new byte[size]);
            out.add(r.build("raw-body", size / (1024 * 1024) + " MB png, by a stranger"));
        }
        for (var contentType : List.of("image/png", "application/zip")) {
            var r = new Request(e, true);
            r.headers.put("Authorization", "Bearer " + world.strangerToken());
            r.headers.put("Content-Type", contentType);
            r.body = new byte[0];
            r.query.put("name", "..%2F..%2Fetc%2Fpasswd");
            out.add(r.build("raw-body", "empty " + contentType + " named ../../etc/passwd, by a stranger"));
        }
    }

    private Case mutate(FuzzEndpoint e, boolean guarded, String family, String what, Consumer<ObjectNode> change) {
        var r = new Request(e, guarded);
        var node = (ObjectNode) ServiceProcess.JSON.readTree(r.body);
        change.accept(node);
        r.body = bytes(node);
        return r.build(family, what);
    }

    /** The valid body with field {@code name} set to the JSON text {@code json}, byte for byte. */
    private Case literal(FuzzEndpoint e, boolean guarded, String family, String what, String name, String json) {
        var r = new Request(e, guarded);
        var node = (ObjectNode) ServiceProcess.JSON.readTree(r.body);
        node.put(name, "@@FUZZ@@");
        r.body = replace(bytes(node), "\"@@FUZZ@@\"", json.getBytes(StandardCharsets.UTF_8));
        return r.build(family, what);
    }

    private List<String> badValues(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return List.of("-1", "1000000", "abc", "9223372036854775808", "1e309", "", "%00", "0x10", "1.5");
        }
        if (type.isEnum()) {
            return List.of("NOPE", "", "%00", "%F0%9F%98%80", "0");
        }
        if (type == Duration.class) {
            return List.of("garbage", "-PT1H", "P9999999999999D", "PT-1S", "%00");
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of("maybe", "2", "%00");
        }
        return List.of("%00", "a".repeat(3000), "%F0%9F%98%80", "..%2F..%2F", "%ff");
    }

    private static List<String> wrongTypes(Field field) {
        var type = field.getType();
        if (type == String.class) {
            return List.of("123", "true", "{}", "[]", "[\"a\",\"b\"]", "1.5");
        }
        if (number(type)) {
            return List.of("\"abc\"", "\"12\"", "true", "{}", "[]", "[1]");
        }
        if (type.isEnum()) {
            return List.of("0", "1", "\"NOPE\"", "\"\"", "{}", "[]", "true",
                    "\"" + type.getEnumConstants()[0].toString().toLowerCase() + "\"");
        }
        if (type == Instant.class) {
            return List.of("\"yesterday\"", "1e309", "\"9999999999-01-01T00:00:00Z\"", "{}", "true", "\"2024-02-30T25:61:00Z\"");
        }
        if (List.class.isAssignableFrom(type)) {
            return List.of("\"BUYER\"", "[1]", "[null]", "{}", "[[\"BUYER\"]]", "[\"NOT_A_ROLE\"]");
        }
        return List.of("\"x\"", "123", "[]");
    }

    private static boolean number(Class<?> type) {
        return type == long.class || type == Long.class || type == int.class || type == Integer.class;
    }

    private static long minimum(Field field) {
        return field.getAnnotation(Min.class) instanceof Min min ? min.value() : Long.MIN_VALUE;
    }

    private static List<String> requiredFields(Class<?> type) {
        return fields(type).stream().filter(f -> f.isAnnotationPresent(NotNull.class) || f.isAnnotationPresent(NotBlank.class))
                .map(Field::getName).toList();
    }

    private static List<Field> fields(Class<?> type) {
        if (!type.isRecord()) {
            return List.of();
        }
        var fields = new ArrayList<Field>();
        for (RecordComponent component : type.getRecordComponents()) {
            try {
                fields.add(type.getDeclaredField(component.getName()));
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
        return fields;
    }

    /** A valid body of {@code type}, with the ids of the world it addresses. */
    static JsonNode template(Class<?> type, Map<String, String> ids) {
        var node = ServiceProcess.JSON.createObjectNode();
        for (var field : fields(type)) {
            var name = field.getName();
            var t = field.getType();
            if (t == String.class) {
                node.put(name, ids.getOrDefault("body." + name, ids.containsKey(name) ? ids.get(name) : "Fuzz text"));
            } else if (number(t)) {
                node.put(name, 100);
            } else if (t == Boolean.class || t == boolean.class) {
                node.put(name, true);
            } else if (t.isEnum()) {
                node.put(name, t.getEnumConstants()[0].toString());
            } else if (t == Instant.class) {
                node.put(name, Instant.now().toString());
            } else if (List.class.isAssignableFrom(t) && field.getGenericType() instanceof ParameterizedType) {
                node.putArray(name).add("BUYER");
            } else if (t.isRecord()) {
                node.set(name, template(t, ids));
            } else {
                node.putNull(name);
            }
        }
        return node;
    }

    private String key() {
        return "fuzz-" + Long.toHexString(rng.nextLong() & Long.MAX_VALUE);
    }

    private byte[] randomBytes(int n) {
        var bytes = new byte[n];
        rng.nextBytes(bytes);
        return bytes;
    }

    /** A JSON string literal whose text is {@code text} with its backslash escapes kept as JSON escapes. */
    private static String quote(String text) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (c == '\\') {
                out.append('\\'); // an escape of ours: copied as it is
                out.append(text.charAt(++i));
            } else if (c == '"') {
                out.append("\\\"");
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static byte[] bytes(JsonNode node) {
        return ServiceProcess.JSON.writeValueAsBytes(node);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] replace(byte[] haystack, String needle, byte[] with) {
        var text = new String(haystack, StandardCharsets.ISO_8859_1);
        var at = text.indexOf(needle);
        return concat(concat(java.util.Arrays.copyOf(haystack, at), with),
                java.util.Arrays.copyOfRange(haystack, at + needle.length(), haystack.length));
    }

    private static String abbreviate(String s) {
        var shown = s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
        return shown.replace("\u0000", "\\0");
    }
}

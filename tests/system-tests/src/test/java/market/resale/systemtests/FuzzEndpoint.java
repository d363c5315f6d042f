package market.resale.systemtests;

import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * One HTTP endpoint of a running service as its {@link RequestMappingHandlerMapping} declares it: method,
 * path pattern, and the path variables, query parameters, headers and body its handler reads. Found from
 * the running application, so a new endpoint is fuzzed without a change here.
 */
record FuzzEndpoint(String service, String method, String pattern, Map<String, Class<?>> pathVariables,
                    List<Param> queryParams, List<Param> headers, Class<?> bodyType, boolean bodyRequired,
                    boolean streams, String handler) {

    record Param(String name, Class<?> type, boolean required) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)(:[^}]*)?}");

    static List<FuzzEndpoint> discover(String service, ServiceProcess process) {
        var names = new DefaultParameterNameDiscoverer();
        var mappings = process.bean(org.springframework.web.reactive.DispatcherHandler.class).getHandlerMappings().stream()
                .filter(RequestMappingHandlerMapping.class::isInstance).map(RequestMappingHandlerMapping.class::cast).toList();
        var endpoints = new ArrayList<FuzzEndpoint>();
        for (var mapping : mappings) {
            mapping.getHandlerMethods().forEach((info, handler) -> {
                var pathVariables = new LinkedHashMap<String, Class<?>>();
                var query = new ArrayList<Param>();
                var headers = new ArrayList<Param>();
                Class<?> body = null;
                var bodyRequired = false;
                for (var parameter : handler.getMethodParameters()) {
                    parameter.initParameterNameDiscovery(names);
                    if (parameter.getParameterAnnotation(PathVariable.class) instanceof PathVariable pv) {
                        pathVariables.put(name(pv.name(), parameter.getParameterName()), parameter.getParameterType());
                    } else if (parameter.getParameterAnnotation(RequestParam.class) instanceof RequestParam rp) {
                        var type = parameter.getParameterType();
                        if (List.class.isAssignableFrom(type) && parameter.getGenericParameterType() instanceof ParameterizedType pt) {
                            type = (Class<?>) pt.getActualTypeArguments()[0];
                        }
                        query.add(new Param(name(rp.name(), parameter.getParameterName()), type,
                                rp.required() && rp.defaultValue().equals(org.springframework.web.bind.annotation.ValueConstants.DEFAULT_NONE)));
                    } else if (parameter.getParameterAnnotation(RequestHeader.class) instanceof RequestHeader rh) {
                        headers.add(new Param(name(rh.name(), parameter.getParameterName()), parameter.getParameterType(), rh.required()));
                    } else if (parameter.getParameterAnnotation(RequestBody.class) instanceof RequestBody rb) {
                        body = parameter.getParameterType();
                        bodyRequired = rb.required();
                    }
                }
                var streams = info.getProducesCondition().getProducibleMediaTypes().contains(MediaType.TEXT_EVENT_STREAM);
                var methods = info.getMethodsCondition().getMethods();
                for (var pattern : info.getPatternsCondition().getPatterns()) {
                    for (var method : methods.isEmpty() ? List.of(org.springframework.web.bind.annotation.RequestMethod.GET) : methods) {
                        endpoints.add(new FuzzEndpoint(service, method.name(), pattern.getPatternString(), Map.copyOf(pathVariables),
                                List.copyOf(query), List.copyOf(headers), body, bodyRequired, streams,
                                handler.getBeanType().getSimpleName() + "#" + handler.getMethod().getName()));
                    }
                }
            });
        }
        endpoints.sort(java.util.Comparator.comparing(FuzzEndpoint::pattern).thenComparing(FuzzEndpoint::method));
        return endpoints;
    }

    private static String name(String declared, String parameterName) {
        return StringUtils.hasText(declared) ? declared : parameterName;
    }

    boolean writes() {
        return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }

    /** The path with each variable replaced by {@code values.get(name)} (raw, already encoded). */
    String path(Map<String, String> values) {
        var matcher = VARIABLE.matcher(pattern);
        var out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(values.get(matcher.group(1))));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    List<String> variableNames() {
        var names = new ArrayList<String>();
        var matcher = VARIABLE.matcher(pattern);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    @Override
    public String toString() {
        return service + " " + method + " " + pattern;
    }
}

#!/usr/bin/env python3
"""Checks every PromQL expression of the alert rules and the Grafana dashboards against a live
Prometheus that has scraped the running services:

  - it parses (the query API answers errorType bad_data on a parse error) and evaluates;
  - every metric name it selects is in the live scrape (/api/v1/label/__name__/values);
  - every label a selector matches on exists on that metric (/api/v1/series).

    deploy/ops/check-queries.py --prometheus http://127.0.0.1:9090
    deploy/ops/check-queries.py --self-test            # the metric-name extraction, no Prometheus needed

Grafana variables are substituted first: $__rate_interval, $__interval, $__range -> 5m; any other
$var / ${var} / ${var:fmt} / [[var]] -> .* (they only appear inside label matchers). Prints one line
per expression and exits 1 if any check failed. Needs only the standard library and python3-yaml.
"""
import argparse
import json
import pathlib
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_RULES = [ROOT / "ops" / "prometheus" / "alerts.yml"]
DEFAULT_DASHBOARDS = ROOT / "k8s" / "base" / "monitoring" / "dashboards"

# ------------------------------------------------------------------------------------------ lexing

KEYWORDS = {"and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "by", "without",
            "offset", "atan2"}
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
                "topk", "quantile", "limitk", "limit_ratio"}
NUMBER_WORDS = {"inf", "nan"}

TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?(?:[a-zA-Z]+[0-9]*)*)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=@,(){}\[\]])
""", re.VERBOSE)


class PromQLError(ValueError):
    pass


def tokenize(expr):
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise PromQLError(f"unexpected character {expr[pos]!r} at {pos}")
        pos = m.end()
        kind = m.lastgroup
        if kind != "ws":
            tokens.append((kind, m.group()))
    return tokens


def unquote(s):
    if s[0] == "`":
        return s[1:-1]
    return bytes(s[1:-1], "utf-8").decode("unicode_escape")


def selectors(expr):
    """The vector selectors of an expression: [(metric name or None, [(label, op, value), ...])].

    A metric name is an identifier that is not a keyword, a function or aggregation (followed by
    "(" or by by/without), a number word, a label inside {...}, a label list of by/without/on/
    ignoring/group_left/group_right, or anything inside [...] (ranges, subqueries)."""
    tokens = tokenize(expr)
    found = []
    i, n = 0, len(tokens)

    def skip_group(j, opening, closing):
        depth = 0
        while j < n:
            if tokens[j] == ("op", opening):
                depth += 1
            elif tokens[j] == ("op", closing):
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise PromQLError(f"unbalanced {opening}")

    def matchers(j):
        """tokens[j] is '{'; returns (matchers, index after '}')."""
        out = []
        j += 1
        while j < n and tokens[j] != ("op", "}"):
            if tokens[j] == ("op", ","):
                j += 1
                continue
            if j + 2 >= n or tokens[j][0] not in ("ident", "string") or tokens[j + 1][0] != "op" \
                    or tokens[j + 2][0] != "string":
                raise PromQLError(f"bad label matcher near {tokens[j][1]!r}")
            label = tokens[j][1] if tokens[j][0] == "ident" else unquote(tokens[j][1])
            out.append((label, tokens[j + 1][1], unquote(tokens[j + 2][1])))
            j += 3
        if j >= n:
            raise PromQLError("unbalanced {")
        return out, j + 1

    while i < n:
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else (None, None)
        if kind == "op" and text == "[":
            i = skip_group(i, "[", "]")
            continue
        if kind == "op" and text == "{":
            ms, i = matchers(i)
            found.append((None, ms))
            continue
        if kind != "ident":
            i += 1
            continue
        low = text.lower()
        if low in LABEL_LIST_KEYWORDS and nxt == ("op", "("):
            i = skip_group(i + 1, "(", ")")
            continue
        if low in KEYWORDS or low in NUMBER_WORDS:
            i += 1
            continue
        if nxt == ("op", "(") or text in AGGREGATIONS:
            i += 1  # function or aggregation
            continue
        if nxt == ("op", "{"):
            ms, i = matchers(i + 1)
            found.append((text, ms))
            continue
        found.append((text, []))
        i += 1
    return found


def metric_names(expr):
    names = set()
    for name, ms in selectors(expr):
        if name:
            names.add(name)
        for label, op, value in ms:
            if label == "__name__" and op == "=":
                names.add(value)
    return names


# ------------------------------------------------------------------------------------------ sources

GRAFANA_INTERVALS = re.compile(r"\$(?:\{__(?:rate_interval|interval|range)\}|__(?:rate_interval|interval|range)\b)")
GRAFANA_SECONDS = re.compile(r"\$(?:\{__(?:range_s|interval_ms|range_ms)\}|__(?:range_s|interval_ms|range_ms)\b)")
GRAFANA_VARIABLE = re.compile(r"\$\{[a-zA-Z0-9_]+(?::[^}]*)?\}|\$[a-zA-Z_][a-zA-Z0-9_]*|\[\[[a-zA-Z0-9_]+(?::[^\]]*)?\]\]")


def substitute(expr):
    expr = GRAFANA_INTERVALS.sub("5m", expr)
    expr = GRAFANA_SECONDS.sub("300", expr)
    return GRAFANA_VARIABLE.sub(".*", expr)


def rule_expressions(path):
    try:
        import yaml
    except ImportError:
        sys.exit("python3-yaml is needed to read the rule files (Debian: apt-get install python3-yaml)")
    with open(path) as f:
        doc = yaml.safe_load(f)
    for group in doc.get("groups", []):
        for rule in group.get("rules", []):
            name = rule.get("alert") or rule.get("record")
            yield f"{path.name} {group['name']}/{name}", str(rule["expr"]).strip()


def panels(items):
    for panel in items or []:
        yield panel
        yield from panels(panel.get("panels"))


VARIABLE_FUNCTION = re.compile(r"^\s*(label_values|query_result|label_names|metrics)\s*\((.*)\)\s*$", re.DOTALL)


def variable_expression(query):
    """The PromQL inside a Grafana Prometheus variable query, or None if it holds none."""
    m = VARIABLE_FUNCTION.match(query)
    if not m:
        return query
    function, args = m.groups()
    if function == "query_result":
        return args
    if function == "label_values":
        parts = args.rsplit(",", 1)
        return parts[0] if len(parts) == 2 else None
    return None


def dashboard_expressions(path):
    with open(path) as f:
        doc = json.load(f)
    for panel in panels(doc.get("panels")):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                yield f"{path.name} \"{panel.get('title', '')}\" {target.get('refId', '')}", target["expr"]
    for variable in (doc.get("templating") or {}).get("list") or []:
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if query:
            expr = variable_expression(query)
            if expr:
                yield f"{path.name} ${variable.get('name')}", expr


# ------------------------------------------------------------------------------------------ Prometheus

class Prometheus:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.series_labels = {}

    def call(self, path, params, post=True):
        encoded = urllib.parse.urlencode(params, doseq=True)
        if post:
            request = urllib.request.Request(self.base + path, data=encoded.encode(), method="POST")
        else:
            request = urllib.request.Request(self.base + path + ("?" + encoded if encoded else ""))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            try:
                return json.load(e)
            except ValueError:
                return {"status": "error", "errorType": f"http {e.code}", "error": e.reason}

    def names(self):
        answer = self.call("/api/v1/label/__name__/values", {}, post=False)
        if answer.get("status") != "success":
            sys.exit(f"cannot list metric names from {self.base}: {answer}")
        return set(answer["data"])

    def query(self, expr):
        return self.call("/api/v1/query", {"query": expr})

    def labels_of(self, metric):
        if metric not in self.series_labels:
            answer = self.call("/api/v1/series", {"match[]": metric})
            labels = set()
            for series in answer.get("data") or []:
                labels.update(series)
            self.series_labels[metric] = labels
        return self.series_labels[metric]


def check(source, raw, prometheus, names):
    """Returns (ok, metrics, detail)."""
    expr = substitute(raw)
    problems = []
    answer = prometheus.query(expr)
    if answer.get("status") != "success":
        kind = "does not parse" if answer.get("errorType") == "bad_data" else answer.get("errorType", "error")
        problems.append(f"{kind}: {answer.get('error')}")
    try:
        found = selectors(expr)
    except PromQLError as e:
        return False, "?", "; ".join(problems + [f"cannot extract metrics: {e}"])
    metrics = set()
    for name, ms in found:
        wanted = [name] if name else [v for l, op, v in ms if l == "__name__" and op == "="]
        for metric in wanted:
            metrics.add(metric)
            if metric not in names:
                problems.append(f"{metric} is not in the scrape")
                continue
            present = prometheus.labels_of(metric)
            for label, _, _ in ms:
                if label != "__name__" and label not in present:
                    problems.append(f"{metric} has no label {label}")
        for label, op, value in ms:
            if label == "__name__" and op == "=~" and not any(re.fullmatch(value, n) for n in names):
                problems.append(f"no metric name matches {value}")
    if not metrics and not any(l == "__name__" for _, ms in found for l, _, _ in ms):
        problems.append("selects no metric")
    problems = list(dict.fromkeys(problems))
    detail = "; ".join(problems)
    if not problems:
        result = answer["data"]["result"]
        detail = f"{len(result) if isinstance(result, list) else 1} series now"
    return not problems, ", ".join(sorted(metrics)) or "-", detail


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090", help="Prometheus base URL")
    parser.add_argument("--rules", action="append", type=pathlib.Path, help="rule file (repeatable)")
    parser.add_argument("--dashboards", action="append", type=pathlib.Path, help="folder of dashboard JSON (repeatable)")
    parser.add_argument("--expr", action="append", default=[], help="an extra expression to check (repeatable)")
    parser.add_argument("--self-test", action="store_true", help="test the metric-name extraction and exit")
    args = parser.parse_args()
    if args.self_test:
        return self_test()

    expressions = []
    for path in args.rules or DEFAULT_RULES:
        expressions.extend(rule_expressions(path))
    for folder in args.dashboards or [DEFAULT_DASHBOARDS]:
        for path in sorted(folder.glob("*.json")):
            expressions.extend(dashboard_expressions(path))
    expressions.extend((f"--expr {i + 1}", e) for i, e in enumerate(args.expr))
    if not expressions:
        sys.exit("no expressions found")

    prometheus = Prometheus(args.prometheus)
    names = prometheus.names()
    rows = [(source, *check(source, expr, prometheus, names)) for source, expr in expressions]

    width = max(len(r[0]) for r in rows)
    mwidth = min(60, max(len(r[2]) for r in rows))
    failed = 0
    for source, ok, metrics, detail in rows:
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {source:<{width}}  {metrics:<{mwidth}}  {detail}")
    print(f"\n{len(rows)} expressions, {len(rows) - failed} ok, {failed} failed "
          f"(against {args.prometheus}, {len(names)} metric names)")
    return 1 if failed else 0


def self_test():
    cases = {
        'up{job="a"} == 0': {"up"},
        'sum by (job) (up{job=~"x|y"}) == 0': {"up"},
        'sum(rate(http_server_requests_seconds_count{status=~"5..", uri!~"/actuator/.*"}[5m])) by (application)':
            {"http_server_requests_seconds_count"},
        'a_total unless a_total offset 10m': {"a_total"},
        'x / on(job) group_left(instance, pod) y > bool 3': {"x", "y"},
        'max by (application) (deriv(lag{client_id=~".+-StreamThread-[0-9]+-consumer"}[15m])) > 0 and ignoring(a) z':
            {"lag", "z"},
        'histogram_quantile(0.99, sum by (le) (rate(h_bucket[$__rate_interval])))': {"h_bucket"},
        'max_over_time(m[1h:5m] offset -5m) @ end()': {"m"},
        'label_replace(q, "dst", "$1", "src", "(.*)")': {"q"},
        '{__name__="by_name", job="j"}': {"by_name"},
        'count_values("v", build_info) or vector(0) atan2 Inf + NaN * 1e3 - 0x1f': {"build_info"},
        'topk(10, sum without (instance) (c{a="$application"}))': {"c"},
        'sum(increase(x[${__range}])) / 100 # a comment naming fake_metric': {"x"},
        'time() - process_start_time_seconds': {"process_start_time_seconds"},
        '(sum(increase(c{outcome="CANCELLED"}[15m])) > 0) unless ((sum(increase(d[15m])) > 0) or (sum(d unless d offset 15m) > 0))':
            {"c", "d"},
        'max by (type) (cases_open_oldest_age_seconds) > 24 * 3600': {"cases_open_oldest_age_seconds"},
        'recording:rule:rate5m{x="1"}': {"recording:rule:rate5m"},
    }
    failures = 0
    for expr, expected in cases.items():
        got = metric_names(substitute(expr))
        if got != expected:
            failures += 1
            print(f"FAIL {expr!r}: expected {sorted(expected)}, got {sorted(got)}")
    variables = {"label_values(kafka_streams_running, application)": "kafka_streams_running",
                 "label_values(x{a=\"b\"}, job)": "x{a=\"b\"}", "label_values(job)": None,
                 "query_result(topk(5, y))": "topk(5, y)", "metrics(.*_total)": None}
    for query, expected in variables.items():
        got = variable_expression(query)
        if got != expected:
            failures += 1
            print(f"FAIL variable {query!r}: expected {expected!r}, got {got!r}")
    if substitute('rate(x{a=~"$app", b="${b:regex}", c="[[c]]"}[$__rate_interval]) offset $__interval') != \
            'rate(x{a=~".*", b=".*", c=".*"}[5m]) offset 5m':
        failures += 1
        print("FAIL substitution")
    print(f"self-test: {len(cases) + len(variables) + 1 - failures} ok, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

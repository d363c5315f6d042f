#!/usr/bin/env bash
# Scrapes running services with a real Prometheus (Debian's `prometheus` package) and checks every
# alert and dashboard query against what they really expose (deploy/ops/check-queries.py).
#
#   deploy/ops/live-check.sh [name=]host:port... [-- check-queries options]
#
# Each target is scraped at /actuator/prometheus every 2s; its job is `name`, or else the target's
# `application` tag (= the service name, as in compose and Kubernetes). The alert rules are loaded
# too, so a rule that Prometheus refuses fails here as well. Prometheus runs on a free 127.0.0.1
# port with a temporary storage directory, and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets=() checks=()
while (($#)); do
  if [[ "$1" == "--" ]]; then shift; checks=("$@"); break; fi
  targets+=("$1"); shift
done
((${#targets[@]})) || { echo "usage: $0 [name=]host:port... [-- check-queries options]" >&2; exit 2; }
command -v prometheus >/dev/null || { echo "prometheus is not installed (Debian: apt-get install prometheus)" >&2; exit 2; }

work="$(mktemp -d)"
prometheus_pid=""
cleanup() {
  if [[ -n "$prometheus_pid" ]]; then
    kill -TERM "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

{
  echo "global: {scrape_interval: 2s, scrape_timeout: 2s, evaluation_interval: 2s}"
  echo "rule_files: [\"$PWD/deploy/ops/prometheus/alerts.yml\"]"
  echo "scrape_configs:"
} > "$work/prometheus.yml"
jobs=()
for target in "${targets[@]}"; do
  if [[ "$target" == *=* ]]; then
    job="${target%%=*}" address="${target#*=}"
  else
    address="$target"
    scrape="$(curl -fsS --max-time 10 "http://$address/actuator/prometheus" || true)"
    job="$(grep -o -m1 'application="[^"]*"' <<< "$scrape" | cut -d'"' -f2 || true)"
    [[ -n "$job" ]] || { echo "cannot read the application tag of http://$address/actuator/prometheus; pass name=$address" >&2; exit 1; }
  fi
  jobs+=("$job")
  cat >> "$work/prometheus.yml" <<EOF
  - job_name: "$job"
    metrics_path: /actuator/prometheus
    static_configs: [{targets: ["$address"]}]
EOF
done

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
echo "Prometheus on $url scraping: ${jobs[*]}"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn > "$work/prometheus.log" 2>&1 &
prometheus_pid=$!

# Ready when every target is up and has been scraped at least twice.
ready() {
  curl -fsS --max-time 5 "$url/api/v1/query" \
      --data-urlencode 'query=count_over_time(up[5m]) and on (job, instance) (up == 1)' 2>/dev/null \
    | python3 -c '
import json, sys
jobs = set(sys.argv[1:])
try:
    result = json.load(sys.stdin)["data"]["result"]
except ValueError:
    sys.exit(1)
scraped = {r["metric"]["job"] for r in result if float(r["value"][1]) >= 2}
sys.exit(0 if jobs <= scraped else 1)' "${jobs[@]}"
}
for _ in $(seq 1 60); do
  if ready; then break; fi
  if ! kill -0 "$prometheus_pid" 2>/dev/null; then cat "$work/prometheus.log" >&2; echo "prometheus exited" >&2; exit 1; fi
  sleep 1
done
if ! ready; then
  curl -fsS "$url/api/v1/targets" >&2 || true
  echo "not every target was up and scraped twice within 60s" >&2
  exit 1
fi

python3 deploy/ops/check-queries.py --prometheus "$url" "${checks[@]}"

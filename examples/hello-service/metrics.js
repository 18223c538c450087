// hello-service's own request metrics in the Prometheus text format, written by hand because
// the example has no dependencies. Every series carries the release's version, so a canary
// and its baseline can be told apart by one label, and the path label is one of the paths
// the service knows (else "other"), so a scan of random URLs cannot grow the series.

const KNOWN_PATHS = new Set(['/', '/healthz', '/version', '/check', '/api/items', '/search', '/reports', '/metrics']);
/** Upper bounds in seconds, Prometheus' default buckets. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function label(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Counts requests by path and status and times them, for one release `version`. */
export function createMetrics(version) {
  const requests = new Map();
  const bucketCounts = BUCKETS.map(() => 0);
  let count = 0;
  let sum = 0;

  function record(path, status, seconds) {
    const key = `${KNOWN_PATHS.has(path) ? path : 'other'}\u0000${status}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) bucketCounts[i] += 1;
    });
    count += 1;
    sum += seconds;
  }

  function render() {
    const v = `version="${label(version)}"`;
    const lines = ['# HELP hello_requests_total Requests answered, by path and status.', '# TYPE hello_requests_total counter'];
    for (const [key, n] of [...requests].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [path, status] = key.split('\u0000');
      lines.push(`hello_requests_total{${v},path="${label(path)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP hello_request_duration_seconds Time to answer a request.', '# TYPE hello_request_duration_seconds histogram');
    BUCKETS.forEach((bound, i) => lines.push(`hello_request_duration_seconds_bucket{${v},le="${bound}"} ${bucketCounts[i]}`));
    lines.push(`hello_request_duration_seconds_bucket{${v},le="+Inf"} ${count}`);
    lines.push(`hello_request_duration_seconds_sum{${v}} ${sum}`);
    lines.push(`hello_request_duration_seconds_count{${v}} ${count}`);
    return `${lines.join('\n')}\n`;
  }

  return { record, render };
}

-- wrk script for bench/bench_serve.sh and tests/integration/serve_load.sh:
-- POST /v1/screen with a different name per request. The bodies are JSON
-- lines in $EMBARGO_BENCH_BODIES; the key is $EMBARGO_BENCH_KEY. Each wrk
-- thread starts at its own offset so the threads do not send the same
-- names in step.
local bodies = {}
for line in io.lines(os.getenv("EMBARGO_BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local path = os.getenv("EMBARGO_BENCH_PATH") or "/v1/screen"
local i = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("EMBARGO_BENCH_KEY")

local counter = 0
setup = function(thread)
  thread:set("offset", counter * 997)
  counter = counter + 1
end

init = function(args)
  i = (offset or 0) % #bodies
end

request = function()
  i = i % #bodies + 1
  return wrk.format(nil, path, nil, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

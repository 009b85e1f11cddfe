-- wrk script for bench/scale_demo.py: GETs of random paths from SCALE_URLS (one a line),
-- counting 4xx/5xx and Varnish hits per thread; done() prints one "WRK_JSON {...}" line.
-- Latency percentiles come from wrk's own histogram (microseconds), corrected for
-- coordinated omission as wrk does.

local paths = {}
for line in io.lines(os.getenv("SCALE_URLS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

-- One public host name, as behind a real CDN: Varnish's objects and the nodes' page
-- cache entries are keyed by it, so the warm-up, the editor's checks and wrk share them.
local host = { Host = os.getenv("SCALE_HOST") or "127.0.0.1" }
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  s4, s5, hits, origin_hits, origin_total = 0, 0, 0, 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], host)
end

function response(status, headers, body)
  if status >= 500 then
    s5 = s5 + 1
  elseif status >= 400 then
    s4 = s4 + 1
  end
  if headers["X-Cache"] == "HIT" then
    hits = hits + 1
  else  -- answered by a node: from its shared page cache (Redis) or rendered
    origin_total = origin_total + 1
    if headers["X-Page-Cache"] == "hit" then origin_hits = origin_hits + 1 end
  end
end

function done(summary, latency, requests)
  local s4t, s5t, hitst, ohits, ototal = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    s4t = s4t + thread:get("s4")
    s5t = s5t + thread:get("s5")
    hitst = hitst + thread:get("hits")
    ohits = ohits + thread:get("origin_hits")
    ototal = ototal + thread:get("origin_total")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.2f, "socket_errors": %d, "timeouts": %d, '
      .. '"status_4xx": %d, "status_5xx": %d, "hits": %d, "node_page_cache_hits": %d, "node_answers": %d, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write, e.timeout,
    s4t, s5t, hitst, ohits, ototal, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

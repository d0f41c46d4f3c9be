-- Shared by the bench/*.lua scripts (loaded with dofile): numbers threads, prints one summary line that
-- bench/run parses, and counts answers that came back 2xx but were not what the script expected.
local common = {}

local threads = {}

-- wrk calls setup() once per thread in the main Lua state; the id lets each thread make names of its own.
function common.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- Unexpected answers: wrk itself counts only HTTP >= 400 as errors.
bad = 0
function common.bad()
  bad = bad + 1
end

-- ops_per_request: 2 for scripts whose operation takes two requests (allocate+release, grant+put).
-- Latency percentiles are wrk's, per request; scripts that time one kind of request pass their own samples
-- (milliseconds) in the "timed" global of each thread.
function common.done(summary, latency, ops_per_request)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local timed = {}
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("bad") or 0)
    for _, ms in ipairs(thread:get("timed") or {}) do
      table.insert(timed, ms)
    end
  end
  local seconds = summary.duration / 1e6
  local line = string.format("BENCH ops_per_sec=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d",
    summary.requests / (ops_per_request or 1) / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors)
  if #timed > 0 then
    table.sort(timed)
    local function pct(p) return timed[math.max(1, math.ceil(#timed * p / 100))] end
    line = line .. string.format(" timed_n=%d timed_p50_ms=%.3f timed_p99_ms=%.3f", #timed, pct(50), pct(99))
  end
  io.write(line .. "\n")
end

-- etcd's JSON gateway takes keys and values as base64.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
function common.base64(text)
  return ((text:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#text % 3 + 1])
end

-- Seeds each thread's random numbers apart from the other threads'; use as (or in) wrk's per-thread init().
function common.seed_random()
  math.randomseed(thread_id * 7919 + os.time())
end

-- The lines of a file, e.g. the ids listed one a line in the file BENCH_IDS.
function common.lines(path)
  local lines = {}
  for line in io.lines(path) do table.insert(lines, line) end
  return lines
end

-- A unique prefix per wrk run, so names of one run never meet those left by another.
common.run = os.getenv("BENCH_RUN") or tostring(os.time())

return common

-- Registration on the registry: each operation is an allocate of a new service name followed by its release.
-- A thread keeps the ids it was granted in a queue and spends its next request releasing the oldest one, so
-- every connection alternates allocate and release whatever the number of connections per thread.
-- BENCH_TIME_ALLOCATE=1 also times each allocate alone; that needs one connection per thread (-t N -c N),
-- since wrk does not tell a thread which of its connections a response came back on.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clock, timespec *ts);
]]
local ts = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local timing = os.getenv("BENCH_TIME_ALLOCATE") == "1"
local service_type = os.getenv("BENCH_TYPE") or "custom"
-- BENCH_FIELDS: more of the allocate body, e.g. ',"strategy":"random"'; BENCH_HOSTS: a comma list of hosts that
-- the allocations go to in turn (none: the registry's own)
local fields = os.getenv("BENCH_FIELDS") or ""
local hosts = {}
for host in (os.getenv("BENCH_HOSTS") or ""):gmatch("[^,]+") do table.insert(hosts, host) end
wrk.headers["Content-Type"] = "application/json"

setup = common.setup
timed = {}
local to_release, head, tail = {}, 1, 0
local count, started = 0, nil

function request()
  if head <= tail then
    local id = to_release[head]
    to_release[head], head = nil, head + 1
    return wrk.format("POST", "/ports/release", nil, '{"allocation_id":"' .. id .. '"}')
  end
  count = count + 1
  if timing then started = now_ms() end
  local host = #hosts > 0 and string.format(',"host":"%s"', hosts[count % #hosts + 1]) or ""
  return wrk.format("POST", "/ports/allocate", nil, string.format(
    '{"service_name":"b%s-%d-%d","service_type":"%s"%s%s}', common.run, thread_id, count, service_type, host,
    fields))
end

function response(status, headers, body)
  if status ~= 200 then return end -- wrk counts it
  local id = body:match('"allocation_id":"([%x%-]+)"')
  if id then
    tail = tail + 1
    to_release[tail] = id
    if timing then table.insert(timed, now_ms() - started) end
  elseif not body:find("released", 1, true) then
    common.bad()
  end
end

function done(summary, latency, requests)
  common.done(summary, latency, 2)
end

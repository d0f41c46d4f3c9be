-- Setup, not measured: allocates services <BENCH_PREFIX><n> for n = BENCH_FROM .. BENCH_TO, one connection
-- per thread (-t BENCH_THREADS -c BENCH_THREADS), thread i taking every BENCH_THREADS-th n. A thread stops once
-- its share is done; bench/run stops wrk when the registry holds them all. With BENCH_HOST_PREFIX each goes to a
-- host of its own, <BENCH_HOST_PREFIX><n>.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local prefix = os.getenv("BENCH_PREFIX")
local from, to = tonumber(os.getenv("BENCH_FROM")), tonumber(os.getenv("BENCH_TO"))
local step = tonumber(os.getenv("BENCH_THREADS"))
local host_prefix = os.getenv("BENCH_HOST_PREFIX")
wrk.headers["Content-Type"] = "application/json"

setup = common.setup
local n

function init(args)
  n = from + thread_id - 1
end

-- Only response() moves on to the next name: wrk calls request() once more than it sends, to check the script.
function request()
  local i = math.min(n, to)
  local host = host_prefix and string.format(',"host":"%s%d"', host_prefix, i) or ""
  return wrk.format("POST", "/ports/allocate", nil,
    string.format('{"service_name":"%s%d","service_type":"custom"%s}', prefix, i, host))
end

function response(status, headers, body)
  if status == 200 then n = n + step end -- a failed allocate is asked again
  if n > to then wrk.thread:stop() end
end

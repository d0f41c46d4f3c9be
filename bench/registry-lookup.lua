-- Lookup on the registry: GET /ports/service/{name} of a random one of the BENCH_SERVICES services that
-- bench/run registered beforehand as svc-1 .. svc-N. BENCH_QUERY is appended to the path (e.g. "?stale").
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local services = tonumber(os.getenv("BENCH_SERVICES") or "1000")
local query = os.getenv("BENCH_QUERY") or ""

setup = common.setup
init = common.seed_random

function request()
  return wrk.format("GET", "/ports/service/svc-" .. math.random(services) .. query)
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

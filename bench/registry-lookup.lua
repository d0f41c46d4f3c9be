-- Lookup on the registry: GET /ports/service/{name} of a random one of the BENCH_SERVICES services that
-- bench/run registered beforehand as svc-1 .. svc-N.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local services = tonumber(os.getenv("BENCH_SERVICES") or "1000")

setup = common.setup
init = common.seed_random

function request()
  return wrk.format("GET", "/ports/service/svc-" .. math.random(services))
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

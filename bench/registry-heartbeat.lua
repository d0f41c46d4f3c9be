-- Heartbeat on the registry: POST /ports/heartbeat/{id} for a random one of the allocation ids listed, one a
-- line, in the file BENCH_IDS.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local ids = common.lines(os.getenv("BENCH_IDS"))

setup = common.setup
init = common.seed_random

function request()
  return wrk.format("POST", "/ports/heartbeat/" .. ids[math.random(#ids)])
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

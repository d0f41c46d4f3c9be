-- Heartbeat on the registry: POST /ports/heartbeat/{id} for a random one of the allocation ids listed, one a
-- line, in the file BENCH_IDS.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do table.insert(ids, line) end

setup = common.setup

function init(args)
  math.randomseed(thread_id * 7919 + os.time())
end

function request()
  return wrk.format("POST", "/ports/heartbeat/" .. ids[math.random(#ids)])
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

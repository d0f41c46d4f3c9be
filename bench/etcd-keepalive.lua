-- Heartbeat on etcd: one lease keep-alive through the gateway for a random one of the lease ids listed, one a
-- line, in the file BENCH_IDS.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local ids = common.lines(os.getenv("BENCH_IDS"))

setup = common.setup
init = common.seed_random

function request()
  return wrk.format("POST", "/v3/lease/keepalive", nil, '{"ID":"' .. ids[math.random(#ids)] .. '"}')
end

function response(status, headers, body)
  if status == 200 and not body:find('"TTL"', 1, true) then common.bad() end
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

-- Lookup on etcd: a range request for one key, svc/<n> for a random one of the BENCH_SERVICES keys that
-- bench/run put beforehand.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local services = tonumber(os.getenv("BENCH_SERVICES") or "1000")

setup = common.setup
local bodies = {}

function init(args)
  common.seed_random()
  for n = 1, services do
    bodies[n] = '{"key":"' .. common.base64("svc/" .. n) .. '"}'
  end
end

function request()
  return wrk.format("POST", "/v3/kv/range", nil, bodies[math.random(services)])
end

function response(status, headers, body)
  if status == 200 and not body:find('"kvs"', 1, true) then common.bad() end
end

function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

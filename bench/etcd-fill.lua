-- Setup, not measured: registers services on etcd as svc/<n> for n = BENCH_FROM .. BENCH_TO, each key with its
-- own lease, one connection per thread (-t BENCH_THREADS -c BENCH_THREADS), thread i taking every
-- BENCH_THREADS-th n. bench/run stops wrk when etcd holds them all.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local from, to = tonumber(os.getenv("BENCH_FROM")), tonumber(os.getenv("BENCH_TO"))
local step = tonumber(os.getenv("BENCH_THREADS"))

setup = common.setup
local n, lease

function init(args)
  n = from + thread_id - 1
end

-- Only response() moves on: wrk calls request() once more than it sends, to check the script.
function request()
  if lease then
    return wrk.format("POST", "/v3/kv/put", nil, string.format('{"key":"%s","value":"%s","lease":"%s"}',
      common.base64("svc/" .. math.min(n, to)), common.base64(tostring(2000 + n)), lease))
  end
  return wrk.format("POST", "/v3/lease/grant", nil, '{"TTL":3600}')
end

function response(status, headers, body)
  if status ~= 200 then return end -- asked again
  if lease then
    lease, n = nil, n + step
    if n > to then wrk.thread:stop() end
  else
    lease = body:match('"ID":"(%d+)"')
  end
end

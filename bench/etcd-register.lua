-- Registration on etcd, through its JSON gateway: each operation grants a lease and puts a new key with it
-- (how services register in etcd: the key lives while the lease is kept alive). Same queue as
-- registry-cycle.lua: a granted lease id is used by the thread's next request. The TTL is long enough that no
-- lease expires during a run, as the registry's heartbeat timeout is for the registry.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local ttl = os.getenv("BENCH_TTL") or "3600"

setup = common.setup
local granted, head, tail = {}, 1, 0
local count = 0

function request()
  if head <= tail then
    local lease = granted[head]
    granted[head], head = nil, head + 1
    count = count + 1
    local key = common.base64(string.format("reg/b%s-%d-%d", common.run, thread_id, count))
    return wrk.format("POST", "/v3/kv/put", nil, string.format(
      '{"key":"%s","value":"%s","lease":"%s"}', key, common.base64("9000"), lease))
  end
  return wrk.format("POST", "/v3/lease/grant", nil, '{"TTL":' .. ttl .. '}')
end

function response(status, headers, body)
  if status ~= 200 then return end -- wrk counts it
  local lease = body:match('"ID":"(%d+)"')
  if lease then
    tail = tail + 1
    granted[tail] = lease
  elseif not body:find('"revision"', 1, true) then
    common.bad()
  end
end

function done(summary, latency, requests)
  common.done(summary, latency, 2)
end

-- Requests the URL on the command line as it is (e.g. the registry's GET /ports/ranges); only adds the
-- summary line that bench/run reads.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
setup = common.setup
function done(summary, latency, requests)
  common.done(summary, latency, 1)
end

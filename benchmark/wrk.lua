-- Each request comes from one of 4,096 client addresses, as a trusted proxy reports them in
-- X-Forwarded-For (TRUSTED_PROXY_COUNT=1): per-address rate limits see many visitors, as in
-- real use, and still do their work (and cost) on every request.
-- With the argument "fresh" (wrk ... -- fresh), every request also carries a query parameter
-- of its own, so that no request is answered from a cached rendering: the page's full work.
local counter = math.random(0, 4095)
local fresh = false
local sequence = math.random(0, 1000000000)

init = function(args)
  fresh = args[1] == "fresh"
end

request = function()
  counter = (counter + 1) % 4096
  wrk.headers["X-Forwarded-For"] = string.format("10.0.%d.%d", math.floor(counter / 256), counter % 256)
  if fresh then
    sequence = sequence + 1
    return wrk.format(nil, wrk.path .. "&frisch=" .. sequence)
  end
  return wrk.format()
end

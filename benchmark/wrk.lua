-- Each request comes from one of 4,096 client addresses, as a trusted proxy reports them in
-- X-Forwarded-For (TRUSTED_PROXY_COUNT=1): per-address rate limits see many visitors, as in
-- real use, and still do their work (and cost) on every request.
local counter = math.random(0, 4095)

request = function()
  counter = (counter + 1) % 4096
  wrk.headers["X-Forwarded-For"] = string.format("10.0.%d.%d", math.floor(counter / 256), counter % 256)
  return wrk.format()
end

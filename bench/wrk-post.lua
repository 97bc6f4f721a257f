-- wrk script: POST the very request bodies memconn sends (from `memconn ingest --dry-run`,
-- one JSON body per line in BODY_FILE), each thread walking its own slice, so the server does
-- the same work per request as in the memconn run. This is the wire limit we compare with.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local bodies = {}
  for line in io.lines(os.getenv("BODY_FILE")) do bodies[#bodies + 1] = line end
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  local per = math.floor(#bodies / threads)
  first = id * per + 1
  last = first + per - 1
  next_body = first
  all = bodies
  path = wrk.path
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  local body = all[next_body]
  next_body = next_body + 1
  if next_body > last then next_body = first end
  return wrk.format("POST", path, headers, body)
end

-- wrk script of `make bench`'s throughput phase (bench/throughput.py writes its two files).
--
--   wrk -t2 -c50 -d10s -s bench/wrk.lua URL -- USERS_FILE PATHS_FILE [POST]
--
-- USERS_FILE: one signed-in virtual user a line: cookie header <tab> CSRF token <tab> own path.
-- PATHS_FILE: the page's paths, one a line; "-" sends each user to their own path (a lesson
-- kept open, for the heartbeat). Every request takes the next user's cookie, so the server
-- reads a different session each time, as it does with many phones.

local users, paths, method = {}, nil, "GET"
local counter = 0

local function lines(name)
  local found = {}
  for line in io.lines(name) do
    if line ~= "" then found[#found + 1] = line end
  end
  return found
end

function init(args)
  for _, line in ipairs(lines(args[1])) do
    local cookie, token, own = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    users[#users + 1] = { cookie = cookie, token = token, own = own }
  end
  if args[2] ~= "-" then paths = lines(args[2]) end
  method = args[3] or "GET"
  counter = math.random(#users)
end

function request()
  counter = counter + 1
  local user = users[counter % #users + 1]
  local path = paths and paths[math.random(#paths)] or user.own
  local headers = { Cookie = user.cookie }
  local body = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = "csrf_token=" .. user.token
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.status, errors.connect + errors.read + errors.write, errors.timeout))
end

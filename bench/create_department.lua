-- wrk script for bench/foundation.sh: authenticated creates on POST /api/v1/departments.
--
-- Department names are unique (a database constraint), so every request carries a name
-- no other request of this or any earlier run uses:
--   bench-<run prefix>-<thread number>-<per-thread counter>
-- The run prefix is the first script argument (`wrk ... -s create_department.lua URL -- PREFIX`);
-- without one, a random prefix is made up. The Authorization header comes from `wrk -H`.
--
-- The script also counts response statuses per thread and prints them at the end as
--   statuses: 201=N [other=M ...]
--   created_2xx: N
-- so the caller can compare the number of rows the server reports with the 2xx wrk saw.

local threads = {}
local next_tid = 0

-- Runs once per thread, in the main interpreter, before the threads start.
function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

-- Runs in each thread's own interpreter.
function init(args)
  prefix = args[1]
  if prefix == nil or prefix == "" then
    math.randomseed(os.time() + (tid or 0) * 7919)
    prefix = string.format("%x%x", os.time(), math.random(0, 0xfffffff))
  end
  counter = 0
  statuses = {}
  wrk.method = "POST"
  wrk.path = "/api/v1/departments"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name_zh":"bench-%s-%d-%d","name_en":"Bench","kind":"department"}',
    prefix, tid, counter)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Runs once, in the main interpreter, after the threads stop.
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses") or {}
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  local codes = {}
  for code, _ in pairs(total) do table.insert(codes, code) end
  table.sort(codes)
  local parts = {}
  local ok = 0
  for _, code in ipairs(codes) do
    table.insert(parts, string.format("%d=%d", code, total[code]))
    if code >= 200 and code < 300 then ok = ok + total[code] end
  end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("created_2xx: %d\n", ok))
end

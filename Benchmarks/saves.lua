-- wrk script: each connection is one signed-in browser that opens its page's editor, then
-- saves it with the form's CSRF token and base revision, again and again. One thread per
-- connection, so each Lua state drives exactly one browser. Sessions come from saves.py.
local sessions = {}
for line in io.lines(os.getenv("WIKINODE_SESSIONS")) do
  local cookie, page = line:match("^(%S+) (%S+)$")
  sessions[#sessions + 1] = { cookie = cookie, page = page }
end
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local me, phase, csrf, base, number = nil, "form", "", "", 0
saves, failures = 0, 0

function init(args)
  me = sessions[id]
  page = me.page
end

local function escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paragraph = string.rep("A typical paragraph of a wiki page, with a [[Welcome]] link and *some* emphasis. ", 24)
local escaped_paragraph = nil  -- escaped once: escaping 8 KB in Lua per request slowed the client

function request()
  local headers = { ["Cookie"] = "wikinode_session=" .. me.cookie, ["Origin"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port }
  if phase == "form" then
    return wrk.format("GET", me.page .. "/edit", headers)
  end
  number = number + 1
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  escaped_paragraph = escaped_paragraph or escape(paragraph .. "\n")
  local markdown = escape("# Bench\n\nsave " .. number .. "\n\n") .. escaped_paragraph
  local body = "csrf=" .. escape(csrf) .. "&baseRevision=" .. base .. "&action=save&summary=save+" .. number .. "&markdown=" .. markdown
  return wrk.format("POST", me.page .. "/edit", headers, body)
end

function response(status, headers, body)
  if phase == "form" then
    csrf = body:match('name="csrf" value="([^"]*)"') or ""
    base = body:match('name="baseRevision" value="([^"]*)"') or ""
    phase = "save"
  else
    if status == 303 then saves = saves + 1 else failures = failures + 1; number = number - 1 end
    phase = "form"
  end
end

function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("saves")
    failed = failed + thread:get("failures")
    io.write(string.format("SAVES %s %d\n", thread:get("page"), thread:get("saves")))
  end
  io.write(string.format("TOTAL %d %d %.3f\n", total, failed, summary.duration / 1e6))
end

-- wrk script: each request searches for one of a few typical queries.
local queries = { "garden", "federation protocol", "twin page", "backlink history", "peer", "markdown draft", "sea" }
math.randomseed(7)
request = function()
  local q = queries[math.random(#queries)]:gsub(" ", "+")
  return wrk.format("GET", "/search?q=" .. q)
end

-- wrk script: each request asks for a random page from titles.txt (path given in WIKINODE_TITLES).
local titles = {}
for line in io.lines(os.getenv("WIKINODE_TITLES")) do titles[#titles + 1] = "/wiki/" .. line end
math.randomseed(42)
request = function()
  return wrk.format("GET", titles[math.random(#titles)])
end

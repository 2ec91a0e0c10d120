-- The overhead bench's program: recursive calls and table work, CPU-bound. The line with the
-- "never" tag is in a function nobody calls: a breakpoint there can never be hit.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function never_called()
  return "never" -- @never
end

local function tables(n)
  local t = {}
  for i = 1, n do t[i] = { id = i, name = "item" .. (i % 100) } end
  local sum = 0
  for _, v in ipairs(t) do sum = sum + v.id + #v.name end
  table.sort(t, function(a, b) return a.id > b.id end)
  return sum + t[1].id
end

local rounds = tonumber(arg[1]) or 3
local total = 0
for _ = 1, rounds do
  total = total + fib(27) + tables(200000)
end
print(total, never_called == nil)

-- The pause bench's program: a loop without calls.
local n = 0
print("spinning")
io.stdout:flush()
while true do
  n = n + 1
end

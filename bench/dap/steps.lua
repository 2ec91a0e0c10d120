-- The step bench's program: an endless run of plain lines to step through.
local x = 0
for i = 1, math.huge do
  x = x + i -- @first
  x = x - i + 1
  x = x * 1
end

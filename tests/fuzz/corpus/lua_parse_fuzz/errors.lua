local function broken()
  x = = 1
  if y then
end
function later() end
::a:: ::a:: goto nowhere

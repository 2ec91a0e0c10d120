function a.b.c:m(p)
  if p then return self elseif not p then repeat until true else while false do break end end
end
local f = function() end f(1)("s"){} a:b"c"

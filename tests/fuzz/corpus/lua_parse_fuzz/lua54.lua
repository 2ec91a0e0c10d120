local function f(a, b, ...)
  local x <const>, y <close> = a // b, nil
  goto done
  ::done::
  return a & b | ~x >> 1, ...
end

local t = {1, 2, x = 3, ["y"] = 4; f()}
for i = 1, #t do print(t[i]) end
for k, v in pairs(t) do t[k] = v .. "!" end

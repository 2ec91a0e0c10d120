x = [==[
long ]] string
]==] --[[ comment ]] y = "esc\a\x41\u{20AC}\z
   \065" .. 0x1p-4 .. 3e10 .. 12LL .. 2i

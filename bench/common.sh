# Shell helpers every bench driver sources. The sourcing script defines die().

# A port below the ephemeral range (so no client socket holds it) with no socket on it now.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

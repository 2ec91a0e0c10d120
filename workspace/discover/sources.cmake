# workspace/discover: the gitignore glob matcher, ignore rules, the walk of the workspace roots
# (synchronous, streaming, and awaitable) and the command-line parser that streams paths.
list(APPEND MOONRING_WORKSPACE_SOURCES
  discover/glob.cpp
  discover/ignore.cpp
  discover/discover.cpp
  discover/discover_async.cpp
  discover/streaming_args.cpp
)

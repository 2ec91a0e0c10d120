# workspace/watch: watch events, coalescing of bursts, LSP watched-file changes, and the
# inotify watcher over the runtime.
list(APPEND MOONRING_WORKSPACE_SOURCES
  watch/coalesce.cpp
  watch/source_filter.cpp
  watch/lsp_changes.cpp
  watch/watcher.cpp
)

# workspace/files: the workspace's source files as readers see them (the editor's open
# documents over the loaded files on disk), kept current by watch events.
list(APPEND MOONRING_WORKSPACE_SOURCES
  files/workspace_files.cpp
)

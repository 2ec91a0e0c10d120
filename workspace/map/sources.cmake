# workspace/map: memory-mapped regions, the SIGBUS guard for truncated files, file contents, async
# file handles and the prioritised, memory-bounded loader.
list(APPEND MOONRING_WORKSPACE_SOURCES
  map/sigbus_guard.cpp
  map/buffer_pool.cpp
  map/mapped_region.cpp
  map/file_content.cpp
  map/file_slot.cpp
  map/async_file.cpp
  map/file_feed.cpp
  map/batch_reader.cpp
  map/parent_dirs.cpp
  map/loader.cpp)

# workspace/persist: a checksummed, memory-mapped on-disk store written by atomic rename, and the
# cache folder it lives in with its size limit (docs/cache.md).
list(APPEND MOONRING_WORKSPACE_SOURCES
  persist/hash.cpp
  persist/store.cpp
  persist/cache_folder.cpp)

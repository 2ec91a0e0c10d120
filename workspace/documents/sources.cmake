# workspace/documents: the documents the editor has open (versions, incremental edits, immutable
# snapshots), the line index and position conversion in UTF-8, UTF-16 and UTF-32.
list(APPEND MOONRING_WORKSPACE_SOURCES
  documents/errors.cpp
  documents/position.cpp
  documents/line_index.cpp
  documents/convert.cpp
  documents/snapshot.cpp
  documents/store.cpp
  documents/file_uri.cpp
)

// Pass 1 of `moonring index`: the cross-file facts every document's answers need, made the way the
// language service makes them (query::summarize into a query::WorkspaceIndex, the globals each
// file assigns), so the index and the server agree by construction.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lang/lua/check/check.hpp"
#include "lang/lua/query/index.hpp"

namespace moonring::lua::index {

// What one file contributes; made on any thread.
struct FileFacts {
  query::FileSummary summary;
  std::vector<std::string> assigned;  // globals the file assigns, each once
};
FileFacts file_facts(const FileAnalysis& analysis);

// Every file's facts joined; filled on one thread, then read by many.
class WorkspaceFacts {
 public:
  // `roots`: absolute folders (require resolves under them, as the service's index does).
  explicit WorkspaceFacts(std::vector<std::string> roots);

  void add(std::string path, FileFacts facts);

  const query::WorkspaceIndex& index() const { return index_; }
  const GlobalSet& assigned() const { return assigned_; }
  // Whether some file declares the global `name` as a function.
  bool global_function(std::string_view name) const;
  // Whether the module file `path` defines its member `name` as a function or method.
  bool member_function(std::string_view path, std::string_view name) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  query::WorkspaceIndex index_;
  GlobalSet assigned_;
  std::unordered_set<std::string, Hash, std::equal_to<>> global_functions_;
};

}  // namespace moonring::lua::index

// Pass 1: per-file summaries and assigned globals, joined into the workspace's facts.
#include "lang/lua/index/workspace_facts.hpp"

#include "lang/lua/query/summary.hpp"

namespace moonring::lua::index {

FileFacts file_facts(const FileAnalysis& analysis) {
  FileFacts out;
  out.summary = query::summarize(analysis.parsed.tree, analysis.binding);
  GlobalSet assigned;
  add_assigned_globals(analysis, assigned);
  assigned.for_each([&out](const std::string& n) { out.assigned.push_back(n); });
  return out;
}

WorkspaceFacts::WorkspaceFacts(std::vector<std::string> roots) {
  index_.set_search(std::move(roots));
}

void WorkspaceFacts::add(std::string path, FileFacts facts) {
  for (const std::string& name : facts.assigned) assigned_.add(name);
  for (const query::FileSummary::Definition& d : facts.summary.global_functions)
    global_functions_.emplace(facts.summary.names.text(d.name));
  index_.update(std::move(path), std::move(facts.summary));
}

bool WorkspaceFacts::global_function(std::string_view name) const {
  return global_functions_.find(name) != global_functions_.end();
}

bool WorkspaceFacts::member_function(std::string_view path, std::string_view name) const {
  const query::FileSummary* file = index_.file(path);
  if (file == nullptr) return false;
  for (const query::FileSummary::Definition& d : file->members)
    if (file->names.text(d.name) == name) return d.function || d.method;
  return false;
}

}  // namespace moonring::lua::index

// The undefined-global quick fix: see luarc_fix.hpp.
#include "lang/lua/services/luarc_fix.hpp"

#include "lang/lua/config/load.hpp"
#include "lang/lua/query/global_fix.hpp"
#include "runtime/blocking_pool.hpp"
#include "workspace/watch/source_filter.hpp"

namespace moonring::lua {
namespace {

// The innermost workspace folder holding `path`, else the file's own folder.
std::string folder_of(const std::vector<std::string>& roots, const std::string& path) {
  std::string best;
  for (const std::string& root : roots)
    if (workspace::path_below(path, root) && root.size() > best.size()) best = root;
  if (!best.empty()) return best;
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? std::string("/") : path.substr(0, slash);
}

// Where `text` ends, as a place (0-based line; UTF-8 and UTF-16 columns of its last line).
service::Place end_of(std::string_view text) {
  service::Place end;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      ++end.line;
      end.utf8 = end.utf16 = 0;
      continue;
    }
    ++end.utf8;
    if ((byte & 0xC0) != 0x80) ++end.utf16;  // a code point starts here
    if (byte >= 0xF0) ++end.utf16;           // outside the BMP: a surrogate pair
  }
  return end;
}

}  // namespace

Task<std::optional<service::QuickFix>> declare_global_fix(std::vector<std::string> roots,
                                                          std::string path, const Tree& tree,
                                                          const FileBinding& binding,
                                                          std::uint32_t offset,
                                                          std::size_t diagnostic) {
  std::optional<std::string> name = query::global_at(tree, binding, offset);
  if (!name) co_return std::nullopt;
  std::string folder = folder_of(roots, path);
  std::string luarc = folder + (folder.ends_with('/') ? "" : "/") + ".luarc.json";
  Result<std::string> read =
      co_await run_blocking([&luarc] { return config::read_text_file(luarc); });
  const bool missing = !read && read.error().code == std::errc::no_such_file_or_directory;
  if (!read && !missing) co_return std::nullopt;
  std::optional<std::string_view> current;
  if (read) current = *read;
  std::optional<std::string> text = query::luarc_with_global(current, *name);
  if (!text) co_return std::nullopt;
  service::TextEdit edit;
  edit.path = std::move(luarc);
  edit.new_text = std::move(*text);
  edit.creates = missing;
  if (read) {
    edit.span.bytes = {0, static_cast<std::uint32_t>(read->size())};
    edit.span.end = end_of(*read);
  }
  service::QuickFix fix;
  fix.title = "Declare '" + *name + "' in .luarc.json (diagnostics.globals)";
  fix.edits.push_back(std::move(edit));
  fix.diagnostic = diagnostic;
  co_return fix;
}

}  // namespace moonring::lua

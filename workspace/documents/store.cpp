// The open-document store.
#include "workspace/documents/store.hpp"

#include <atomic>

#include "workspace/documents/errors.hpp"
#include "workspace/documents/file_uri.hpp"

namespace moonring::workspace {

Result<SnapshotPtr> DocumentStore::open(std::string uri, std::string language_id, int64_t version,
                                        std::string text) {
  if (docs_.find(uri) != docs_.end()) {
    return document_error(DocumentErrc::already_open, "open " + uri);
  }
  if (text.size() > max_document_size) {
    return document_error(DocumentErrc::too_large,
                          "open " + uri + ": " + std::to_string(text.size()) + " bytes");
  }
  auto doc = std::make_shared<Snapshot>();
  doc->uri = uri;
  doc->language_id = std::move(language_id);
  doc->version = version;
  doc->text = std::move(text);
  doc->lines.rebuild(doc->text);
  if (auto path = local_path(uri)) paths_.emplace(std::move(*path), uri);
  docs_.emplace(std::move(uri), doc);
  return SnapshotPtr(doc);
}

Result<SnapshotPtr> DocumentStore::change(std::string_view uri, int64_t version,
                                          std::span<const ContentChange> changes) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) {
    return document_error(DocumentErrc::not_open, "change " + std::string(uri));
  }
  std::shared_ptr<Snapshot>& current = it->second;
  if (version <= current->version) {
    return document_error(DocumentErrc::stale_version,
                          "change " + std::string(uri) + ": version " + std::to_string(version) +
                              " after version " + std::to_string(current->version));
  }
  // use_count() is a relaxed load. A reader on another core drops its reference with a release
  // decrement; the acquire fence after seeing 1 orders its last reads before our writes.
  if (current.use_count() == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);
    auto applied = apply_changes(*current, changes, encoding_);
    if (!applied) return applied.take_error();
    current->version = version;
    return SnapshotPtr(current);
  }
  auto next = with_changes(*current, changes, encoding_);
  if (!next) return next.take_error();
  current = std::move(*next);
  current->version = version;
  return SnapshotPtr(current);
}

Result<void> DocumentStore::close(std::string_view uri) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) {
    return document_error(DocumentErrc::not_open, "close " + std::string(uri));
  }
  auto path = local_path(uri);  // before the erase: `uri` may view the key
  docs_.erase(it);
  if (path) {
    auto p = paths_.find(*path);
    if (p != paths_.end() && p->second == uri) {
      paths_.erase(p);
      // Another open URI naming the same file answers from now on.
      for (const auto& [other, doc] : docs_)
        if (local_path(other) == path) {
          paths_.emplace(std::move(*path), other);
          break;
        }
    }
  }
  return {};
}

SnapshotPtr DocumentStore::get(std::string_view uri) const {
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : SnapshotPtr(it->second);
}

SnapshotPtr DocumentStore::get_by_path(std::string_view path) const {
  auto it = paths_.find(path);
  return it == paths_.end() ? nullptr : get(it->second);
}

std::optional<std::string> DocumentStore::local_path(std::string_view uri) {
  if (uri.starts_with('/')) return std::string(uri);
  return file_uri_to_path(uri);
}

std::vector<std::string> DocumentStore::uris() const {
  std::vector<std::string> out;
  out.reserve(docs_.size());
  for (const auto& [uri, doc] : docs_) out.push_back(uri);
  return out;
}

}  // namespace moonring::workspace

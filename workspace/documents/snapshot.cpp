// Applying LSP content changes to a document: in place with an undo log, or into a fresh copy.
#include "workspace/documents/snapshot.hpp"

#include <vector>

#include "workspace/documents/errors.hpp"

namespace moonring::workspace {
namespace {

// What one applied change replaced, so that a later failure in the same batch can undo it.
struct Undo {
  size_t start = 0;
  size_t inserted = 0;
  std::string removed;
  bool whole = false;  // a full replace: `removed` is the whole old text
};

Error change_error(const Snapshot& doc, size_t index, size_t count, Error inner) {
  std::string where = "change " + doc.uri;
  if (count > 1)
    where += " (content change " + std::to_string(index + 1) + " of " + std::to_string(count) + ")";
  inner.context = inner.context.empty() ? where : where + ": " + inner.context;
  return inner;
}

Error too_large(size_t size) {
  return document_error(DocumentErrc::too_large,
                        "the new text would be " + std::to_string(size) + " bytes");
}

// One memmove of the tail (std::string::replace) and the incremental line index update.
void splice(Snapshot& doc, size_t start, size_t removed, std::string_view inserted) {
  doc.text.replace(start, removed, inserted.data(), inserted.size());
  doc.lines.update(doc.text, start, removed, inserted.size());
}

void replace_all(Snapshot& doc, std::string_view text) {
  doc.text.assign(text.data(), text.size());
  doc.lines.rebuild(doc.text);
}

// Applies changes[i] for i in [first, size) to `doc`; errors count changes from 1 over all of
// them. With `undoable`, a failure first undoes what this call applied.
Result<void> apply_from(Snapshot& doc, std::span<const ContentChange> changes, size_t first,
                        bool undoable, PositionEncoding encoding) {
  std::vector<Undo> undo;
  undoable = undoable && changes.size() - first > 1;  // a lone failing change changed nothing
  auto fail = [&](size_t index, Error error) -> Result<void> {
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      if (it->whole) {
        replace_all(doc, it->removed);
      } else {
        splice(doc, it->start, it->inserted, it->removed);
      }
    }
    return change_error(doc, index, changes.size(), std::move(error));
  };
  for (size_t i = first; i < changes.size(); ++i) {
    const ContentChange& change = changes[i];
    if (!change.range) {
      if (change.text.size() > max_document_size) return fail(i, too_large(change.text.size()));
      if (undoable) undo.push_back(Undo{0, change.text.size(), doc.text, true});
      replace_all(doc, change.text);
      continue;
    }
    auto span = offsets_of(doc.text, doc.lines, *change.range, encoding);
    if (!span) return fail(i, span.take_error());
    const auto [start, end] = *span;
    const size_t new_size = doc.text.size() - (end - start) + change.text.size();
    if (new_size > max_document_size) return fail(i, too_large(new_size));
    if (undoable)
      undo.push_back(Undo{start, change.text.size(), doc.text.substr(start, end - start)});
    splice(doc, start, end - start, change.text);
  }
  return {};
}

}  // namespace

Result<void> apply_changes(Snapshot& doc, std::span<const ContentChange> changes,
                           PositionEncoding encoding) {
  return apply_from(doc, changes, 0, true, encoding);
}

Result<std::shared_ptr<Snapshot>> with_changes(const Snapshot& doc,
                                               std::span<const ContentChange> changes,
                                               PositionEncoding encoding) {
  auto copy = std::make_shared<Snapshot>();
  copy->uri = doc.uri;
  copy->language_id = doc.language_id;
  copy->version = doc.version;
  if (changes.empty()) {
    copy->text = doc.text;
    copy->lines = doc.lines;
    return copy;
  }
  const ContentChange& head = changes.front();
  if (!head.range) {
    if (head.text.size() > max_document_size) {
      return change_error(doc, 0, changes.size(), too_large(head.text.size()));
    }
    replace_all(*copy, head.text);
  } else {
    auto span = offsets_of(doc.text, doc.lines, *head.range, encoding);
    if (!span) return change_error(doc, 0, changes.size(), span.take_error());
    const auto [start, end] = *span;
    const size_t new_size = doc.text.size() - (end - start) + head.text.size();
    if (new_size > max_document_size) {
      return change_error(doc, 0, changes.size(), too_large(new_size));
    }
    // Room to grow: the next edit, likely made in place, should not have to reallocate (and
    // fault in) a whole new buffer for a few bytes.
    copy->text.reserve(new_size + new_size / 16 + 64);
    copy->text.append(doc.text, 0, start).append(head.text).append(doc.text, end);
    copy->lines = doc.lines;
    copy->lines.update(copy->text, start, end - start, head.text.size());
  }
  // The copy is thrown away on failure: nothing to undo.
  auto rest = apply_from(*copy, changes, 1, false, encoding);
  if (!rest) return rest.take_error();
  return copy;
}

}  // namespace moonring::workspace

// The error category of the open-document store.
#include "workspace/documents/errors.hpp"

namespace moonring::workspace {
namespace {

class DocumentCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "moonring.documents"; }
  std::string message(int code) const override {
    switch (static_cast<DocumentErrc>(code)) {
      case DocumentErrc::not_open:
        return "document is not open";
      case DocumentErrc::already_open:
        return "document is already open";
      case DocumentErrc::stale_version:
        return "version is not newer than the document's";
      case DocumentErrc::past_end:
        return "position is past the end of the document";
      case DocumentErrc::inverted_range:
        return "range starts after it ends";
      case DocumentErrc::too_large:
        return "document is 4 GiB or larger";
    }
    return "unknown document error";
  }
};

}  // namespace

const std::error_category& document_category() noexcept {
  static const DocumentCategory category;
  return category;
}

}  // namespace moonring::workspace

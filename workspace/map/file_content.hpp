// The bytes of a loaded file: an owned copy (small files) or a mapped region (large files). The
// consumer sees bytes either way; the memory goes back to the loader's budget on destruction.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <variant>

#include "workspace/map/mapped_region.hpp"
#include "workspace/map/memory_budget.hpp"

namespace moonring {

class FileContent {
 public:
  FileContent() = default;
  FileContent(OwnedBytes owned, MemoryLease lease = {});
  FileContent(MappedRegion region, MemoryLease lease = {});

  std::span<const std::byte> bytes() const;
  std::string_view text() const;
  std::size_t size() const { return bytes().size(); }
  bool mapped() const { return std::holds_alternative<MappedRegion>(storage_); }
  // The file shrank while mapped: some bytes read as zeros. Re-read it.
  bool stale() const;
  std::size_t leased_bytes() const { return lease_.bytes(); }

 private:
  // Members die in reverse order: the bytes are freed before the budget hears of it.
  MemoryLease lease_;
  std::variant<OwnedBytes, MappedRegion> storage_;
};

}  // namespace moonring

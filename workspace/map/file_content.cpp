// FileContent: one view over owned or mapped bytes.
#include "workspace/map/file_content.hpp"

#include <utility>

namespace moonring {

FileContent::FileContent(OwnedBytes owned, MemoryLease lease)
    : lease_(std::move(lease)), storage_(std::move(owned)) {}

FileContent::FileContent(MappedRegion region, MemoryLease lease)
    : lease_(std::move(lease)), storage_(std::move(region)) {}

std::span<const std::byte> FileContent::bytes() const {
  return std::visit([](const auto& s) { return s.bytes(); }, storage_);
}

std::string_view FileContent::text() const {
  auto b = bytes();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool FileContent::stale() const {
  const auto* region = std::get_if<MappedRegion>(&storage_);
  return region != nullptr && region->truncated();
}

}  // namespace moonring

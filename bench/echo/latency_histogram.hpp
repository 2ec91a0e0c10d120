// Fixed-size log-linear latency histogram for the echo load generator: O(1) record, ~0.8%
// precision.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace moonring::bench {

class LatencyHistogram {
 public:
  void record(std::uint64_t nanoseconds) {
    ++buckets_[index(nanoseconds)];
    ++count_;
  }

  void merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
  }

  std::uint64_t count() const { return count_; }

  // The value below which `fraction` of the samples fall (bucket midpoint), in nanoseconds.
  double percentile(double fraction) const {
    if (count_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(count_));
    if (rank >= count_) rank = count_ - 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen > rank) return (lower_bound(i) + lower_bound(i + 1)) / 2.0;
    }
    return lower_bound(kBuckets - 1);
  }

 private:
  // Values below 2*kSub are exact; above, each power of two is split into kSub buckets.
  static constexpr unsigned kSubBits = 7;
  static constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSub;

  static std::size_t index(std::uint64_t v) {
    if (v < 2 * kSub) return static_cast<std::size_t>(v);
    const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - 1 - kSubBits;
    return static_cast<std::size_t>((shift + 1) * kSub + ((v >> shift) - kSub));
  }

  static double lower_bound(std::size_t i) {
    if (i < 2 * kSub) return static_cast<double>(i);
    const std::size_t shift = i / kSub - 1;
    const std::uint64_t sub = i % kSub + kSub;
    return static_cast<double>(sub) * static_cast<double>(std::uint64_t{1} << shift);
  }

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
};

}  // namespace moonring::bench

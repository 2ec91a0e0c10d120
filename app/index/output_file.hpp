// An index file written past the page cache (O_DIRECT) where the file system allows it, else
// through it. A 1.6 GB index copied into the page cache cost the writing thread ~3 s of CPU on
// bench/index's 1 GB workspace (the copy and the fresh cache pages), and pushed out what the user
// had cached; written directly it costs the device's time, and the thread only waits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace moonring::app {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // closes without the tail if close() was not called (the file is then short)
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates or truncates `path`; false with error() set when it cannot.
  bool open(const std::string& path);
  // Appends; false with error() set when a write failed (everything after it is dropped).
  bool write(std::string_view bytes);
  // Writes what is left and closes; false with error() set when that failed.
  bool close();

  std::uint64_t bytes() const { return bytes_; }  // appended so far
  const std::string& error() const { return error_; }
  bool direct() const { return direct_; }

 private:
  // Writes the buffer's first `n` bytes (a multiple of the alignment while direct).
  bool drain(std::size_t n);
  bool fail(const char* what);

  static constexpr std::size_t kAlign = 4096;  // safe for every block size in use
  static constexpr std::size_t kBuffer = std::size_t{4} << 20;

  struct Free {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, Free> buffer_;
  std::size_t used_ = 0;
  int fd_ = -1;
  bool direct_ = false;
  std::uint64_t bytes_ = 0;
  std::string path_;
  std::string error_;
};

}  // namespace moonring::app

// Framed messages waiting to be written: one byte buffer that a writer drains. A reply can be
// written straight into it (open_frame, append the body, close_frame: the Content-Length header
// is reserved first and filled in last), so a reply is built in one pass with no string of its
// own. Messages sent while a frame is open wait and follow it, so frames never interleave.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace moonring::protocol {

class Outbox {
 public:
  // One whole body, framed.
  void send(std::string_view body);

  // Starts a frame; the body is appended to the string returned (valid until close_frame or
  // drop_frame; nothing else may touch it meanwhile).
  std::string& open_frame();
  // The bytes of the open frame's body so far.
  std::size_t frame_body_size() const;
  // Finishes the open frame (fills in its length); what was sent meanwhile follows it.
  void close_frame();
  // Forgets the open frame, header and all (what was sent meanwhile is kept).
  void drop_frame();

  bool empty() const { return bytes_.empty(); }
  std::size_t size() const { return bytes_.size(); }
  // The bytes ready to write, swapped into `out` (whose old contents are dropped); a frame still
  // open stays.
  void take(std::string& out);

 private:
  std::string bytes_;
  std::string held_;  // sent while a frame was open
  std::size_t frame_at_ = 0;
  std::size_t body_at_ = 0;
  bool open_ = false;
};

}  // namespace moonring::protocol

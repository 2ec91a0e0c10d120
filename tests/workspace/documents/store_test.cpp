// The open-document store: open, change, close; versions; errors that leave the document as it
// was (a failing change in a batch undoes the ones before it); snapshots that never change.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "workspace/documents/errors.hpp"
#include "workspace/documents/store.hpp"

namespace ws = moonring::workspace;
using ws::ContentChange;
using ws::DocumentErrc;
using ws::PositionEncoding;

namespace {

ContentChange edit(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2, std::string_view text) {
  return ContentChange{ws::Range{{l1, c1}, {l2, c2}}, text};
}

ContentChange whole(std::string_view text) {
  return ContentChange{std::nullopt, text};
}

template <typename... C>
std::vector<ContentChange> batch(C... changes) {
  return {changes...};
}

}  // namespace

TEST_CASE("open, change and close a document", "[store]") {
  ws::DocumentStore store;
  auto opened = store.open("file:///a.lua", "lua", 1, "local x = 1\nprint(x)\n");
  REQUIRE(opened.ok());
  CHECK((*opened)->version == 1);
  CHECK((*opened)->language_id == "lua");
  CHECK((*opened)->lines.line_count() == 3);
  CHECK(store.is_open("file:///a.lua"));
  CHECK(store.size() == 1);

  auto changed =
      store.change("file:///a.lua", 2, batch(edit(0, 6, 0, 7, "y"), edit(1, 6, 1, 7, "y")));
  REQUIRE(changed.ok());
  CHECK((*changed)->text == "local y = 1\nprint(y)\n");
  CHECK((*changed)->version == 2);
  CHECK(store.get("file:///a.lua")->text == (*changed)->text);

  auto replaced = store.change("file:///a.lua", 5, batch(whole("return 1")));
  REQUIRE(replaced.ok());
  CHECK((*replaced)->text == "return 1");
  CHECK((*replaced)->lines.line_count() == 1);

  CHECK((*changed)->line_text(1) == "print(y)");
  CHECK((*changed)->line_text(2).empty());
  auto span = (*changed)->offsets_of({{0, 6}, {1, 0}}, PositionEncoding::utf16);
  REQUIRE(span.ok());
  CHECK(span->first == 6);
  CHECK(span->second == 12);

  REQUIRE(store.close("file:///a.lua").ok());
  CHECK_FALSE(store.is_open("file:///a.lua"));
  CHECK(store.get("file:///a.lua") == nullptr);
  CHECK((*replaced)->text == "return 1");  // a snapshot outlives its document
}

TEST_CASE("errors are values and name what failed", "[store]") {
  ws::DocumentStore store;
  REQUIRE(store.open("a", "lua", 3, "ab\ncd").ok());

  auto again = store.open("a", "lua", 4, "");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == DocumentErrc::already_open);
  CHECK(again.error().message() == "open a: document is already open");

  auto missing = store.change("b", 1, batch(whole("")));
  CHECK(missing.error().code == DocumentErrc::not_open);
  CHECK(store.close("b").error().code == DocumentErrc::not_open);

  auto stale = store.change("a", 3, batch(whole("x")));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == DocumentErrc::stale_version);
  CHECK(stale.error().message() ==
        "change a: version 3 after version 3: version is not newer than the document's");
  CHECK(store.change("a", 2, batch(whole("x"))).error().code == DocumentErrc::stale_version);

  auto past = store.change("a", 4, batch(edit(0, 0, 2, 0, "")));
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().code == DocumentErrc::past_end);
  CHECK(past.error().message() ==
        "change a: position 2:0: the document has 2 lines: position is past the end of the "
        "document");
  auto inverted = store.change("a", 4, batch(edit(1, 0, 0, 1, "")));
  CHECK(inverted.error().code == DocumentErrc::inverted_range);

  // Nothing changed: text and version.
  CHECK(store.get("a")->text == "ab\ncd");
  CHECK(store.get("a")->version == 3);
  // The version that failed can be used by the next change.
  REQUIRE(store.change("a", 4, batch(edit(1, 99, 1, 99, "!"))).ok());  // clamps to the line end
  CHECK(store.get("a")->text == "ab\ncd!");
}

TEST_CASE("a failing change in a batch undoes the changes before it", "[store]") {
  ws::DocumentStore store;
  const std::string text =
      "one\r\ntwo\rthree\n\xF0\x9F\x98\x80"
      "four";
  REQUIRE(store.open("u", "lua", 1, text).ok());
  const auto before = store.get("u")->lines;
  auto failed = store.change("u", 2,
                             batch(edit(0, 0, 0, 3, "ONE\n"), whole("replaced\n\n"),
                                   edit(2, 0, 2, 0, "x\r"), edit(0, 1, 9, 0, "")));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == DocumentErrc::past_end);
  CHECK(failed.error().context.rfind("change u (content change 4 of 4): ", 0) == 0);
  CHECK(store.get("u")->text == text);
  CHECK(store.get("u")->lines == before);
  CHECK(store.get("u")->version == 1);

  // The same with a reader holding the snapshot (the copy path).
  auto held = store.get("u");
  auto failed_copy = store.change(
      "u", 2, batch(edit(0, 0, 0, 3, "ONE"), edit(3, 0, 3, 1, ""), edit(1, 2, 1, 1, "")));
  CHECK(failed_copy.error().code == DocumentErrc::inverted_range);
  CHECK(failed_copy.error().context.rfind("change u (content change 3 of 3)", 0) == 0);
  CHECK(store.get("u") == held);
  CHECK(held->text == text);
}

TEST_CASE("a snapshot a reader holds never changes", "[store]") {
  ws::DocumentStore store(PositionEncoding::utf8);
  REQUIRE(store.open("s", "lua", 1, "abc\n").ok());
  auto first = store.get("s");
  auto second = store.change("s", 2, batch(edit(0, 3, 0, 3, "d")));
  REQUIRE(second.ok());
  CHECK(first->text == "abc\n");
  CHECK(first->version == 1);
  CHECK((*second)->text == "abcd\n");
  CHECK(first.get() != second->get());
  first.reset();
  // Nobody else holds the current snapshot any more... except `second`; drop it: in place.
  const ws::Snapshot* address = second->get();
  second = ws::SnapshotPtr{};
  auto third = store.change("s", 3, batch(edit(1, 0, 1, 0, "e")));
  REQUIRE(third.ok());
  CHECK(third->get() == address);  // edited in place
  CHECK((*third)->text == "abcd\ne");
}

TEST_CASE("readers on other threads see whole snapshots while edits go on", "[store]") {
  // The store's thread appends one line per version; each reader checks that a snapshot's text
  // has exactly `version` lines of the expected shape, whatever else is happening.
  ws::DocumentStore store;
  REQUIRE(store.open("t", "lua", 0, "").ok());
  std::mutex mutex;
  std::vector<ws::SnapshotPtr> mailbox;
  std::atomic<bool> done{false};
  std::atomic<int> checked{0}, bad{0};
  auto reader = [&] {
    for (;;) {
      ws::SnapshotPtr snap;
      {
        std::lock_guard lock(mutex);
        if (!mailbox.empty()) {
          snap = std::move(mailbox.back());
          mailbox.pop_back();
        } else if (done.load()) {
          return;
        }
      }
      if (!snap) {
        std::this_thread::yield();
        continue;
      }
      std::string expected;
      for (int64_t v = 1; v <= snap->version; ++v) expected += "line " + std::to_string(v) + "\n";
      if (snap->text != expected || snap->lines.line_count() != size_t(snap->version) + 1) ++bad;
      ++checked;
    }
  };
  std::thread a(reader), b(reader);
  int failed_changes = 0;  // no REQUIRE while the readers run: a throw would skip the joins
  for (int version = 1; version <= 2000; ++version) {
    const std::string line = "line " + std::to_string(version) + "\n";
    const auto end = static_cast<uint32_t>(version - 1);
    auto next = store.change("t", version, batch(edit(end, 0, end, 0, line)));
    if (!next) {
      ++failed_changes;
      continue;
    }
    if (version % 3 == 0) {  // hand out every third snapshot; the others are edited in place
      std::lock_guard lock(mutex);
      mailbox.push_back(std::move(*next));
    }
  }
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  a.join();
  b.join();
  CHECK(failed_changes == 0);
  CHECK(bad.load() == 0);
  CHECK(checked.load() == 666);
}

TEST_CASE("content changes use the store's negotiated encoding", "[store]") {
  const std::string text =
      "a\xF0\x9F\x98\x80"
      "b\n";  // a, U+1F600, b
  struct Case {
    PositionEncoding encoding;
    uint32_t b_at;  // the character of "b"
  };
  for (Case c : {Case{PositionEncoding::utf8, 5}, Case{PositionEncoding::utf16, 3},
                 Case{PositionEncoding::utf32, 2}}) {
    ws::DocumentStore store(c.encoding);
    REQUIRE(store.open("e", "lua", 1, text).ok());
    auto changed = store.change("e", 2, batch(edit(0, c.b_at, 0, c.b_at + 1, "c")));
    REQUIRE(changed.ok());
    CHECK((*changed)->text ==
          "a\xF0\x9F\x98\x80"
          "c\n");
  }
}

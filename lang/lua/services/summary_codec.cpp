// The summaries' encoding: see summary_codec.hpp. Fixed-width little-endian integers and
// length-prefixed strings, in the order the structs declare their fields; the decoder checks every
// length against what is left and every id against its table.
#include "lang/lua/services/summary_codec.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace moonring::lua {
namespace {

class Writer {
 public:
  template <typename T>
  void num(T v) {
    static_assert(std::is_integral_v<T> || std::is_enum_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void str(std::string_view s) {
    num(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void range(Range r) {
    num(r.start);
    num(r.end);
  }
  void place(LineCol at) {
    num(at.line);
    num(at.column);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <typename T>
  T num() {
    T v{};
    if (bytes_.size() < sizeof v) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, bytes_.data(), sizeof v);
    bytes_ = bytes_.subspan(sizeof v);
    return v;
  }
  std::string_view str() {
    const auto n = num<std::uint32_t>();
    if (bytes_.size() < n) {
      ok_ = false;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(bytes_.data()), n);
    bytes_ = bytes_.subspan(n);
    return s;
  }
  Range range() {
    Range r;
    r.start = num<std::uint32_t>();
    r.end = num<std::uint32_t>();
    return r;
  }
  LineCol place() {
    LineCol at;
    at.line = num<std::uint32_t>();
    at.column = num<std::uint32_t>();
    return at;
  }
  // A count of items of at least `min_bytes` each: larger than what is left fails.
  std::size_t count(std::size_t min_bytes) {
    const auto n = num<std::uint32_t>();
    if (n > bytes_.size() / min_bytes) ok_ = false;
    return ok_ ? n : 0;
  }
  bool boolean() {
    const auto b = num<std::uint8_t>();
    if (b > 1) ok_ = false;
    return b == 1;
  }
  Severity severity() {
    const auto s = num<std::uint8_t>();
    if (s > static_cast<std::uint8_t>(Severity::Hint)) ok_ = false;
    return static_cast<Severity>(s);
  }
  void fail() { ok_ = false; }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && bytes_.empty(); }

 private:
  std::span<const std::byte> bytes_;
  bool ok_ = true;
};

constexpr std::uint32_t kTag = 0x6d73756du;  // "msum"

// A field added to a summary must be encoded here (and kSummaryCodecVersion bumped), or a warm
// start would publish less than a cold one: these sizes catch the addition at compile time.
static_assert(sizeof(Diagnostic) == 128 && sizeof(Diagnostic::Related) == 56,
              "lua::Diagnostic changed: update summary_codec.cpp");
static_assert(sizeof(ReportedDiagnostic) == 152, "ReportedDiagnostic changed: update the codec");
static_assert(sizeof(FileSummary::Read) == 40 && sizeof(FileSummary) == 160,
              "lua::FileSummary changed: update summary_codec.cpp");
static_assert(sizeof(query::FileSummary) == 208 && sizeof(query::FileSummary::Global) == 16 &&
                  sizeof(query::FileSummary::Require) == 12 &&
                  sizeof(query::FileSummary::Definition) == 80 &&
                  sizeof(query::FileSummary::MemberUse) == 20,
              "query::FileSummary changed: update summary_codec.cpp");

void write_definitions(Writer& w, const std::vector<query::FileSummary::Definition>& defs) {
  w.num(static_cast<std::uint32_t>(defs.size()));
  for (const auto& d : defs) {
    w.num(d.name);
    w.range(d.range);
    w.num(static_cast<std::uint8_t>(d.function));
    w.num(static_cast<std::uint8_t>(d.method));
    w.num(static_cast<std::uint8_t>(d.declaration));
    w.str(d.params);
    w.str(d.doc);
  }
}

void read_definitions(Reader& r, std::uint32_t names,
                      std::vector<query::FileSummary::Definition>& defs) {
  const std::size_t n = r.count(23);
  defs.resize(n);
  for (auto& d : defs) {
    d.name = r.num<NameId>();
    if (d.name >= names) r.fail();
    d.range = r.range();
    d.function = r.boolean();
    d.method = r.boolean();
    d.declaration = r.boolean();
    d.params = r.str();
    d.doc = r.str();
  }
}

}  // namespace

std::string encode_summaries(const FileSummary& check, const query::FileSummary& query) {
  Writer w;
  w.num(kTag);
  w.num(static_cast<std::uint8_t>(check.library));
  w.num(static_cast<std::uint32_t>(check.diagnostics.size()));
  for (const ReportedDiagnostic& r : check.diagnostics) {
    const Diagnostic& d = r.diagnostic;
    w.num(d.code);
    w.num(d.severity);
    w.range(d.range);
    w.place(d.start);
    w.place(d.end);
    w.str(d.message);
    w.num(r.start_utf16);
    w.num(r.end_utf16);
    w.num(r.subject);
    w.num(static_cast<std::uint8_t>(d.related.has_value()));
    if (d.related) {
      w.range(d.related->range);
      w.place(d.related->start);
      w.place(d.related->end);
      w.str(d.related->message);
      w.num(r.related_start_utf16);
      w.num(r.related_end_utf16);
    }
  }
  w.num(static_cast<std::uint32_t>(check.read_names.size()));
  for (const std::string& name : check.read_names) w.str(name);
  w.num(static_cast<std::uint32_t>(check.reads.size()));
  for (const FileSummary::Read& read : check.reads) {
    w.num(read.name);
    w.range(read.range);
    w.place(read.start);
    w.place(read.end);
    w.num(read.start_utf16);
    w.num(read.end_utf16);
    w.num(read.severity);
  }
  w.num(static_cast<std::uint32_t>(check.assigned.size()));
  for (const std::string& name : check.assigned) w.str(name);

  w.num(query.names.size());
  for (NameId i = 0; i < query.names.size(); ++i) w.str(query.names.text(i));
  w.num(static_cast<std::uint32_t>(query.globals.size()));
  for (const auto& g : query.globals) {
    w.num(g.name);
    w.range(g.range);
    w.num(static_cast<std::uint8_t>(g.write));
    w.num(static_cast<std::uint8_t>(g.declaration));
  }
  w.num(static_cast<std::uint32_t>(query.required.size()));
  for (const auto& req : query.required) {
    w.num(req.module);
    w.range(req.range);
  }
  write_definitions(w, query.members);
  write_definitions(w, query.global_functions);
  w.num(static_cast<std::uint32_t>(query.member_uses.size()));
  for (const auto& use : query.member_uses) {
    w.num(use.module);
    w.num(use.member);
    w.range(use.range);
    w.num(static_cast<std::uint8_t>(use.write));
  }
  w.num(static_cast<std::uint8_t>(query.shape));
  return w.take();
}

bool decode_summaries(std::span<const std::byte> bytes, FileSummary& check,
                      query::FileSummary& query) {
  Reader r(bytes);
  check = FileSummary();
  query = query::FileSummary();
  if (r.num<std::uint32_t>() != kTag) return false;
  check.library = r.boolean();
  check.diagnostics.resize(r.count(43));
  for (ReportedDiagnostic& rd : check.diagnostics) {
    Diagnostic& d = rd.diagnostic;
    const auto code = r.num<std::uint8_t>();
    if (code >= kDiagnosticCodeCount) r.fail();
    d.code = static_cast<DiagnosticCode>(code);
    d.severity = r.severity();
    d.range = r.range();
    d.start = r.place();
    d.end = r.place();
    d.message = r.str();
    rd.start_utf16 = r.num<std::uint32_t>();
    rd.end_utf16 = r.num<std::uint32_t>();
    rd.subject = r.num<std::uint32_t>();
    if (r.boolean()) {
      Diagnostic::Related& related = d.related.emplace();
      related.range = r.range();
      related.start = r.place();
      related.end = r.place();
      related.message = r.str();
      rd.related_start_utf16 = r.num<std::uint32_t>();
      rd.related_end_utf16 = r.num<std::uint32_t>();
    }
  }
  check.read_names.resize(r.count(4));
  for (std::string& name : check.read_names) name = r.str();
  check.reads.resize(r.count(37));
  for (FileSummary::Read& read : check.reads) {
    read.name = r.num<std::uint32_t>();
    if (read.name >= check.read_names.size()) r.fail();
    read.range = r.range();
    read.start = r.place();
    read.end = r.place();
    read.start_utf16 = r.num<std::uint32_t>();
    read.end_utf16 = r.num<std::uint32_t>();
    read.severity = r.severity();
  }
  check.assigned.resize(r.count(4));
  for (std::string& name : check.assigned) name = r.str();

  const std::size_t names = r.count(4);
  for (std::size_t i = 0; i < names && r.ok(); ++i)
    if (query.names.intern(r.str()) != i) r.fail();  // a name twice: not what summarize makes
  const auto name_count = static_cast<std::uint32_t>(names);
  query.globals.resize(r.count(14));
  for (auto& g : query.globals) {
    g.name = r.num<NameId>();
    if (g.name >= name_count) r.fail();
    g.range = r.range();
    g.write = r.boolean();
    g.declaration = r.boolean();
  }
  query.required.resize(r.count(12));
  for (auto& req : query.required) {
    req.module = r.num<NameId>();
    if (req.module >= name_count) r.fail();
    req.range = r.range();
  }
  read_definitions(r, name_count, query.members);
  read_definitions(r, name_count, query.global_functions);
  query.member_uses.resize(r.count(17));
  for (auto& use : query.member_uses) {
    use.module = r.num<NameId>();
    if (use.module >= name_count && use.module != kNoNode) r.fail();
    use.member = r.num<NameId>();
    if (use.member >= name_count) r.fail();
    use.range = r.range();
    use.write = r.boolean();
  }
  const auto shape = r.num<std::uint8_t>();
  if (shape > query::ModuleShape::Constructor) r.fail();
  query.shape = static_cast<query::ModuleShape::Kind>(shape);
  return r.done();
}

}  // namespace moonring::lua

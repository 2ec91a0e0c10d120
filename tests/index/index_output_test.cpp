// What `moonring index` writes: SCIP's symbol grammar, a file protoc decodes with the published
// scip.proto, documents with definitions, hover text and diagnostics, shards that merge into the
// unsharded index document by document, and LSIF 0.6 lines.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <set>
#include <string>

#include "lang/lua/index/scip_symbol.hpp"
#include "tests/index/index_support.hpp"
#include "tests/skip.hpp"

using namespace moonring;
using lua::index::descriptor_name;
using lua::index::module_descriptors;

namespace {

std::string moonring_index(const std::string& args, const std::string& log) {
  return std::string(MOONRING_BIN) + " index " + args + " 2>" + log;
}

// A small package: a module with a documented function and a method, a script that requires it,
// a global, a local and an unused local (a diagnostic).
void add_fixture(const test::TempTree& t) {
  t.add(".luarc.json", R"({"name": "demo pkg", "version": "1.2"})");
  t.add("lib/greet.lua",
        "local M = {}\n"
        "--- Says hello.\n"
        "function M.hello(name)\n"
        "  return 'hello ' .. name\n"
        "end\n"
        "function M:twice(x) return x * 2 end\n"
        "return M\n");
  t.add("main.lua",
        "local greet = require 'lib.greet'\n"
        "counter = 0\n"
        "local unused = 1\n"
        "print(greet.hello('x'), counter)\n");
}

const scip::Document* find_document(const scip::Index& index, const std::string& path) {
  for (const scip::Document& d : index.documents())
    if (d.relative_path() == path) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("index: descriptors follow SCIP's symbol grammar") {
  CHECK(descriptor_name("hello_2") == "hello_2");
  CHECK(descriptor_name("a.b") == "`a.b`");
  CHECK(descriptor_name("we`ird") == "`we``ird`");
  CHECK(module_descriptors("net/http.lua") == "net/http/");
  CHECK(module_descriptors("a b/c.lua") == "`a b`/c/");
  CHECK(lua::index::symbol_prefix({"my pkg", ""}) == "moonring . my  pkg . ");
  CHECK(lua::index::term_or_method("f", true) == "f().");
  CHECK(lua::index::term_or_method("x", false) == "x.");
}

TEST_CASE("index: the SCIP file decodes with protoc and the published scip.proto") {
  test::TempTree t;
  add_fixture(t);
  const std::string out = t.path("out.scip");
  REQUIRE(test::run(moonring_index(t.root() + " --output " + out, t.path("log"))) == 0);
  const std::string decoded = t.path("decoded.txt");
  REQUIRE(test::run(std::string(PROTOC_BIN) +
                    " --decode=scip.Index -I " SCIP_PROTO_DIR " " SCIP_PROTO_DIR "/scip.proto < " +
                    out + " > " + decoded + " 2>&1") == 0);
  const std::string text = test::slurp(decoded);
  CHECK(text.find("relative_path: \"lib/greet.lua\"") != std::string::npos);
  CHECK(text.find("moonring . demo  pkg 1.2 lib/greet/hello().") != std::string::npos);
  CHECK(test::slurp(t.path("log")).find("2 files") != std::string::npos);
}

TEST_CASE("index: documents carry definitions, references, hover text and diagnostics") {
  test::TempTree t;
  add_fixture(t);
  const std::string out = t.path("out.scip");
  REQUIRE(test::run(moonring_index(t.root() + " -o " + out, t.path("log"))) == 0);
  scip::Index index;
  REQUIRE(test::read_index(out, index));
  CHECK(index.metadata().tool_info().name() == "moonring");
  const scip::Document* lib = find_document(index, "lib/greet.lua");
  const scip::Document* main = find_document(index, "main.lua");
  REQUIRE(lib != nullptr);
  REQUIRE(main != nullptr);
  const std::string hello = "moonring . demo  pkg 1.2 lib/greet/hello().";
  // Defined in the module (with its doc comment), referenced from the script.
  bool defined = false, documented = false, used = false, diagnosed = false, local = false;
  for (const scip::Occurrence& o : lib->occurrences())
    if (o.symbol() == hello && (o.symbol_roles() & scip::Definition) != 0) defined = true;
  for (const scip::SymbolInformation& s : lib->symbols())
    if (s.symbol() == hello && !s.documentation().empty())
      documented = s.documentation(0).find("Says hello.") != std::string::npos;
  for (const scip::Occurrence& o : main->occurrences()) {
    if (o.symbol() == hello && (o.symbol_roles() & scip::Definition) == 0) used = true;
    if (o.symbol().starts_with("local ")) local = true;
    for (const scip::Diagnostic& d : o.diagnostics())
      if (d.code() == "unused-local") diagnosed = true;
  }
  CHECK(defined);
  CHECK(documented);
  CHECK(used);
  CHECK(local);
  CHECK(diagnosed);
}

TEST_CASE("index: 4 shards merged equal the unsharded index, document by document") {
  test::TempTree t;
  if (!test::add_nse(t)) return test::missing_tool("nmap-common (/usr/share/nmap)");
  const std::string whole = t.path("whole.scip");
  REQUIRE(test::run(moonring_index(t.root() + " -o " + whole, t.path("log"))) == 0);
  std::string shards;
  std::set<std::string> seen;
  std::size_t sharded_documents = 0;
  for (int k = 1; k <= 4; ++k) {
    const std::string shard = t.path("shard" + std::to_string(k) + ".scip");
    REQUIRE(test::run(moonring_index(t.root() + " --shard " + std::to_string(k) + "/4 -o " + shard,
                                     t.path("log"))) == 0);
    scip::Index part;
    REQUIRE(test::read_index(shard, part));
    sharded_documents += static_cast<std::size_t>(part.documents_size());
    CHECK(part.documents_size() > 0);  // every shard gets some of 750 files
    for (const scip::Document& d : part.documents()) CHECK(seen.insert(d.relative_path()).second);
    shards += " " + shard;
  }
  const std::string merged = t.path("merged.scip");
  REQUIRE(test::run(std::string(MOONRING_BIN) + " index merge" + shards + " -o " + merged + " 2>" +
                    t.path("log")) == 0);
  scip::Index a, b;
  REQUIRE(test::read_index(whole, a));
  REQUIRE(test::read_index(merged, b));
  REQUIRE(a.documents_size() > 700);
  CHECK(sharded_documents == static_cast<std::size_t>(a.documents_size()));
  REQUIRE(a.documents_size() == b.documents_size());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(a.metadata(), b.metadata()));
  int different = 0;
  for (int i = 0; i < a.documents_size(); ++i)
    if (!google::protobuf::util::MessageDifferencer::Equals(a.documents(i), b.documents(i)))
      ++different;
  CHECK(different == 0);
  CHECK(test::slurp(whole) == test::slurp(merged));  // byte for byte, too
  // A shard's files do not depend on the run: the same K/N gives the same documents.
  const std::string again = t.path("again.scip");
  REQUIRE(test::run(moonring_index(t.root() + " --shard 2/4 -o " + again, t.path("log"))) == 0);
  CHECK(test::slurp(again) == test::slurp(t.path("shard2.scip")));
}

TEST_CASE("index: merge refuses a document that two inputs hold") {
  test::TempTree t;
  add_fixture(t);
  const std::string out = t.path("out.scip");
  REQUIRE(test::run(moonring_index(t.root() + " -o " + out, t.path("log"))) == 0);
  CHECK(test::run(std::string(MOONRING_BIN) + " index merge " + out + " " + out + " -o " +
                  t.path("twice.scip") + " 2>" + t.path("log")) == 2);
  CHECK(test::slurp(t.path("log")).find("more than one input") != std::string::npos);
}

TEST_CASE("index: merge refuses a document that does not parse") {
  test::TempTree t;
  // scip.Index{documents: Document{occurrences: Occurrence{range: 5 bytes claimed, none there}}}
  t.add("bad.scip", std::string("\x12\x04\x12\x02\x0a\x05", 6));
  CHECK(test::run(std::string(MOONRING_BIN) + " index merge " + t.path("bad.scip") + " -o " +
                  t.path("out.scip") + " 2>" + t.path("log")) == 2);
  CHECK(test::slurp(t.path("log")).find("a document that does not parse") != std::string::npos);
}

TEST_CASE("index: --format lsif writes LSIF 0.6 JSON lines") {
  test::TempTree t;
  add_fixture(t);
  const std::string out = t.path("dump.lsif");
  REQUIRE(test::run(moonring_index(t.root() + " --format lsif -o " + out, t.path("log"))) == 0);
  const std::string text = test::slurp(out);
  CHECK(text.starts_with(
      "{\"id\":1,\"type\":\"vertex\",\"label\":\"metaData\",\"version\":\"0.6.0\""));
  std::map<std::string, int> labels;
  std::size_t at = 0;
  while ((at = text.find("\"label\":\"", at)) != std::string::npos) {
    at += 9;
    ++labels[text.substr(at, text.find('"', at) - at)];
  }
  CHECK(labels["document"] == 2);
  CHECK(labels["range"] > 10);
  CHECK(labels["textDocument/definition"] > 0);
  CHECK(labels["textDocument/references"] > 0);
  CHECK(labels["hoverResult"] > 0);
  CHECK(labels["diagnosticResult"] == 1);
}

TEST_CASE("index: progress is one line per 10% off a terminal, then the summary") {
  test::TempTree t;
  add_fixture(t);
  REQUIRE(test::run(moonring_index(t.root() + " -o " + t.path("o.scip"), t.path("log"))) == 0);
  const std::string log = test::slurp(t.path("log"));
  CHECK(log.find("moonring index: facts 100% (2/2 files") != std::string::npos);
  CHECK(log.find("moonring index: documents 50% (1/2 files") != std::string::npos);
  CHECK(log.find("moonring index: documents 100% (2/2 files") != std::string::npos);
  CHECK(log.find("2 files, ") != std::string::npos);
  CHECK(log.find(" symbols, ") != std::string::npos);
  CHECK(log.find(" occurrences, ") != std::string::npos);
}

// app/index/scip_wire against protobuf itself: a document built with the generated classes,
// cut at every byte, is well formed exactly where protobuf parses it; the merge's field comes
// out as protobuf reads it; what protobuf 3 never writes is refused.
#include <catch2/catch.hpp>

#include <string>

#include "app/index/scip_wire.hpp"
#include "scip.pb.h"

using moonring::app::document_relative_path;
using moonring::app::well_formed;
using moonring::app::scip_schema::Message;

namespace {

// Field `field` of wire type 2 holding `payload`, as protobuf writes it.
std::string length_delimited(int field, const std::string& payload) {
  std::string out(1, static_cast<char>(field << 3 | 2));
  for (std::size_t v = payload.size();; v >>= 7) {
    if (v < 0x80) {
      out += static_cast<char>(v);
      break;
    }
    out += static_cast<char>((v & 0x7F) | 0x80);
  }
  return out + payload;
}

scip::Document sample_document() {
  scip::Document d;
  d.set_relative_path("nselib/stdnse.lua");
  d.set_language("Lua");
  d.set_position_encoding(scip::UTF16CodeUnitOffsetFromLineStart);
  for (int i = 0; i < 3; ++i) {
    scip::Occurrence* o = d.add_occurrences();
    o->add_range(i);
    o->add_range(4);
    o->add_range(300 + i);  // a two-byte varint inside the packed range
    o->set_symbol("moonring . stdnse/format_output().");
    o->set_symbol_roles(scip::Definition | scip::WriteAccess);
  }
  scip::Diagnostic* diag = d.add_occurrences()->add_diagnostics();
  diag->set_severity(scip::Warning);
  diag->set_code("unused-local");
  diag->set_message("unused local 'x'");
  diag->add_tags(scip::Unnecessary);
  scip::SymbolInformation* s = d.add_symbols();
  s->set_symbol("local 0");
  s->add_documentation("```lua\nlocal x\n```");
  s->set_kind(scip::SymbolInformation::Variable);
  s->add_relationships()->set_symbol("moonring . other().");
  s->mutable_signature_documentation()->set_relative_path("signature");
  s->mutable_signature_documentation()->add_occurrences()->add_range(7);
  return d;
}

}  // namespace

TEST_CASE("scip_wire: a document cut anywhere is well formed exactly where protobuf parses it") {
  const std::string bytes = sample_document().SerializeAsString();
  REQUIRE(bytes.size() > 100);
  REQUIRE(well_formed(bytes, Message::document));
  REQUIRE(document_relative_path(bytes) == std::string_view("nselib/stdnse.lua"));
  int disagreements = 0;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string cut = bytes.substr(0, n);
    scip::Document parsed;
    if (well_formed(cut, Message::document) != parsed.ParseFromString(cut)) ++disagreements;
  }
  CHECK(disagreements == 0);
}

TEST_CASE("scip_wire: a damaged embedded message is refused, however deep") {
  // A symbol whose signature document holds an occurrence that claims 5 bytes of range and
  // has none.
  const std::string occurrence = "\x0a\x05";
  const std::string signature = length_delimited(2, occurrence);
  const std::string symbol = length_delimited(1, "local 0") + length_delimited(7, signature);
  const std::string document = length_delimited(3, symbol);
  scip::Document parsed;
  CHECK_FALSE(parsed.ParseFromString(document));
  CHECK_FALSE(well_formed(document, Message::document));
  CHECK_FALSE(document_relative_path(document));
}

TEST_CASE("scip_wire: what protobuf 3 never writes is refused") {
  CHECK_FALSE(well_formed(std::string("\x0b\x0c", 2), Message::document));  // a group
  CHECK_FALSE(well_formed(std::string("\x00\x01", 2), Message::document));  // field 0
  CHECK_FALSE(well_formed(std::string("\x08") + std::string(10, '\xff') + "\x01",
                          Message::document));  // an eleven-byte varint
  // Signatures nested past any real document: refused, not followed to the stack's end.
  std::string nested;
  for (int i = 0; i < 200; ++i) nested = length_delimited(3, length_delimited(7, nested));
  CHECK_FALSE(well_formed(nested, Message::document));
  CHECK(well_formed("", Message::document));
  CHECK(document_relative_path("") == std::string_view(""));
}

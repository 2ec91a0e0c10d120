// LSIF 0.6: vertices and edges, one JSON object a line, ids in writing order.
#include "app/index/lsif_writer.hpp"

#include <nlohmann/json.hpp>

#include "app/index/scip_writer.hpp"

namespace moonring::app {
namespace {

std::string json_text(std::string_view s) {
  return nlohmann::json(std::string(s)).dump();
}

std::string position(const service::Place& p) {
  return "{\"line\":" + std::to_string(p.line) + ",\"character\":" + std::to_string(p.utf16) + "}";
}

std::string range_json(const service::Span& s) {
  return "\"start\":" + position(s.start) + ",\"end\":" + position(s.end);
}

std::string ids(const std::vector<std::uint64_t>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

}  // namespace

LsifWriter::LsifWriter(std::string& out, std::string_view project_root_uri,
                       std::string_view tool_version)
    : out_(out), root_(project_root_uri) {
  vertex("metaData", "\"version\":\"0.6.0\",\"projectRoot\":" + json_text(root_) +
                         ",\"positionEncoding\":\"utf-16\",\"toolInfo\":{\"name\":\"moonring\","
                         "\"version\":" +
                         json_text(tool_version) + "}");
  project_ = vertex("project", "\"kind\":\"lua\"");
}

std::uint64_t LsifWriter::vertex(std::string_view label, std::string_view rest) {
  const std::uint64_t id = next_++;
  out_ += "{\"id\":" + std::to_string(id) + ",\"type\":\"vertex\",\"label\":\"";
  out_ += label;
  out_ += '"';
  if (!rest.empty()) (out_ += ',') += rest;
  out_ += "}\n";
  return id;
}

void LsifWriter::edge(std::string_view label, std::uint64_t out_v, std::string_view in,
                      std::string_view rest) {
  out_ += "{\"id\":" + std::to_string(next_++) + ",\"type\":\"edge\",\"label\":\"";
  out_ += label;
  out_ += "\",\"outV\":" + std::to_string(out_v) + ',';
  out_ += in;
  if (!rest.empty()) (out_ += ',') += rest;
  out_ += "}\n";
}

void LsifWriter::document(const lua::index::IndexedDocument& doc) {
  const std::uint64_t d =
      vertex("document",
             "\"uri\":" + json_text(root_ + '/' + doc.relative_path) + ",\"languageId\":\"lua\"");
  documents_.push_back(d);
  vertex("$event", "\"kind\":\"begin\",\"scope\":\"document\",\"data\":" + std::to_string(d));
  std::vector<Set> locals(doc.symbols.size());
  std::vector<Set*> sets(doc.symbols.size(), nullptr);
  for (std::size_t i = 0; i < doc.symbols.size(); ++i) {
    const lua::index::IndexSymbol& s = doc.symbols[i];
    const bool local = s.symbol.starts_with("local ");
    Set* set = local ? &locals[i] : &shared_[s.symbol];
    if (set->id == 0) {
      set->id = vertex("resultSet");
      if (!local) {
        const std::uint64_t m =
            vertex("moniker", "\"scheme\":\"moonring\",\"identifier\":" + json_text(s.symbol) +
                                  ",\"kind\":\"export\"");
        edge("moniker", set->id, "\"inV\":" + std::to_string(m));
      }
    }
    if (!s.documentation.empty()) {
      const std::uint64_t h =
          vertex("hoverResult", "\"result\":{\"contents\":{\"kind\":\"markdown\",\"value\":" +
                                    json_text(s.documentation) + "}}");
      edge("textDocument/hover", set->id, "\"inV\":" + std::to_string(h));
    }
    sets[i] = set;
  }
  std::vector<std::uint64_t> ranges;
  for (const lua::index::IndexOccurrence& o : doc.occurrences) {
    if (o.implicit) continue;  // LSIF's ranges do not share a span
    const std::uint64_t r = vertex("range", range_json(o.span));
    ranges.push_back(r);
    edge("next", r, "\"inV\":" + std::to_string(sets[o.symbol]->id));
    sets[o.symbol]->uses.push_back({d, r, o.definition});
  }
  if (!ranges.empty()) edge("contains", d, "\"inVs\":" + ids(ranges));
  for (Set& local : locals)
    if (local.id != 0) finish_set(local);
  if (!doc.diagnostics.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const service::Diagnostic& g : doc.diagnostics)
      list.push_back({{"range",
                       {{"start", {{"line", g.span.start.line}, {"character", g.span.start.utf16}}},
                        {"end", {{"line", g.span.end.line}, {"character", g.span.end.utf16}}}}},
                      {"severity", static_cast<int>(g.severity)},
                      {"code", g.code},
                      {"source", g.source.empty() ? "moonring" : g.source},
                      {"message", g.message}});
    const std::uint64_t r = vertex("diagnosticResult", "\"result\":" + list.dump());
    edge("textDocument/diagnostic", d, "\"inV\":" + std::to_string(r));
  }
  vertex("$event", "\"kind\":\"end\",\"scope\":\"document\",\"data\":" + std::to_string(d));
}

void LsifWriter::finish_set(Set& set) {
  const std::uint64_t def = vertex("definitionResult");
  edge("textDocument/definition", set.id, "\"inV\":" + std::to_string(def));
  const std::uint64_t refs = vertex("referenceResult");
  edge("textDocument/references", set.id, "\"inV\":" + std::to_string(refs));
  // One item edge per document and property, ranges of that document only.
  std::size_t i = 0;
  while (i < set.uses.size()) {
    const std::uint64_t d = set.uses[i].document;
    std::vector<std::uint64_t> defs, others;
    for (; i < set.uses.size() && set.uses[i].document == d; ++i)
      (set.uses[i].definition ? defs : others).push_back(set.uses[i].range);
    const std::string doc = "\"document\":" + std::to_string(d);
    if (!defs.empty()) {
      edge("item", def, "\"inVs\":" + ids(defs), doc);
      edge("item", refs, "\"inVs\":" + ids(defs), doc + ",\"property\":\"definitions\"");
    }
    if (!others.empty())
      edge("item", refs, "\"inVs\":" + ids(others), doc + ",\"property\":\"references\"");
  }
  set.uses.clear();
}

void LsifWriter::finish() {
  for (auto& [symbol, set] : shared_) finish_set(set);
  if (!documents_.empty()) edge("contains", project_, "\"inVs\":" + ids(documents_));
}

}  // namespace moonring::app

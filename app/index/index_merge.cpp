// A k-way merge of sorted shard files: each shard's documents come in relative-path order (as
// the indexer writes them), so the merged stream is too, and equals the unsharded index.
#include "app/index/index_merge.hpp"

#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include "app/index/output_file.hpp"
#include "app/index/scip_reader.hpp"
#include "app/index/scip_wire.hpp"
#include "app/index/scip_writer.hpp"

namespace moonring::app {
namespace {

struct Input {
  ScipReader reader;
  std::optional<ScipReader::Field> document;  // the next document field, if any
  std::string relative_path;
};

Error merge_error(std::string what) {
  return Error{std::make_error_code(std::errc::invalid_argument), std::move(what)};
}

// Advances `in` to its next document; metadata goes to `metadata` the first time one is seen.
Result<void> advance(Input& in, std::string& metadata, const std::string& name) {
  in.document.reset();
  for (;;) {
    auto field = in.reader.next();
    if (!field) return field.error();
    if (!*field) return {};
    if ((*field)->number == 1) {
      if (metadata.empty()) metadata = std::move((*field)->bytes);
      continue;
    }
    if ((*field)->number != 2) continue;  // external symbols: the indexer writes none
    const std::optional<std::string_view> path = document_relative_path((*field)->bytes);
    if (!path) return merge_error(name + ": a document that does not parse");
    in.relative_path = std::string(*path);
    in.document = std::move(**field);
    return {};
  }
}

}  // namespace

Result<MergeStats> merge_scip(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<Input> in;
  std::string metadata;
  for (const std::string& path : inputs) {
    auto reader = ScipReader::open(path);
    if (!reader) return reader.error();
    in.push_back({std::move(*reader), std::nullopt, {}});
    if (auto r = advance(in.back(), metadata, path); !r) return r.error();
  }
  OutputFile out;
  const auto output_error = [&out] {
    return Error{std::make_error_code(std::errc::io_error), out.error()};
  };
  if (!out.open(output)) return output_error();
  MergeStats stats;
  std::string chunk;
  append_index_field(chunk, 1, metadata);
  std::string last;
  bool first = true;
  for (;;) {
    std::size_t pick = in.size();
    for (std::size_t i = 0; i < in.size(); ++i)
      if (in[i].document && (pick == in.size() || in[i].relative_path < in[pick].relative_path))
        pick = i;
    if (pick == in.size()) break;
    if (!first && in[pick].relative_path == last) {
      return merge_error("document " + last + " is in more than one input");
    }
    first = false;
    last = in[pick].relative_path;
    append_index_field(chunk, 2, in[pick].document->bytes);
    ++stats.documents;
    if (chunk.size() > (1u << 20)) {
      out.write(chunk);  // a failure is kept and reported at close
      chunk.clear();
    }
    if (auto r = advance(in[pick], metadata, inputs[pick]); !r) return r.error();
  }
  out.write(chunk);
  if (!out.close()) return output_error();
  stats.bytes = out.bytes();
  return stats;
}

int index_merge_command(int argc, const char* const* argv, int first) {
  std::vector<std::string> inputs;
  std::string output;
  for (int i = first; i < argc; ++i) {
    std::string_view a = argv[i];
    if ((a == "-o" || a == "--output") && i + 1 < argc) {
      output = argv[++i];
    } else if (a.starts_with("--output=")) {
      output = std::string(a.substr(9));
    } else if (a.starts_with("-") && a != "-") {
      std::fprintf(stderr, "moonring index merge: unknown option '%s'\n", argv[i]);
      return 2;
    } else {
      inputs.emplace_back(a);
    }
  }
  if (inputs.empty() || output.empty()) {
    std::fputs("usage: moonring index merge A.scip B.scip ... -o OUT.scip\n", stderr);
    return 2;
  }
  auto stats = merge_scip(inputs, output);
  if (!stats) {
    std::fprintf(stderr, "moonring index merge: %s\n", stats.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "moonring index merge: %zu documents, %.1f MB -> %s\n", stats->documents,
               static_cast<double>(stats->bytes) / 1e6, output.c_str());
  return 0;
}

}  // namespace moonring::app

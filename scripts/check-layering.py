#!/usr/bin/env python3
"""Checks that layers point down only (docs/ARCHITECTURE.md): every `#include "..."` of a project
header from runtime/, protocol/, workspace/, lang/lua/*/, lsp/, dap/ and app/ must reach the same
layer or one below it, and every moonring_* library a layer's CMakeLists.txt links must be one of
the edges below. Also: only runtime/ includes a backend (liburing, Asio). tests/ and bench/ may
include anything.

Prints every violation as `file:line: <layer> includes <header> (<layer>): ...` and exits 1 when
there is one, 0 otherwise.

  check-layering.py [ROOT]      (default: the repository this script is in)
"""

import os
import re
import sys

# The layers and what each may use directly: the moonring_* libraries its target links
# (target_link_libraries in its CMakeLists.txt; the check below keeps this table and CMake equal).
# A layer may include from any layer reachable along these edges, so app may include runtime/.
# Written once, here: to change the layering, change this table and the CMake links together.
LINKS = {
    "runtime": [],
    "protocol": ["runtime"],
    "workspace": ["runtime"],
    "lang/lua/syntax": [],
    "lang/lua/stdlib": ["lang/lua/syntax"],
    "lang/lua/semantic": ["lang/lua/syntax"],
    "lang/lua/config": ["lang/lua/stdlib", "lang/lua/syntax", "workspace"],
    "lang/lua/check": ["lang/lua/semantic"],
    "lang/lua/query": ["lang/lua/semantic", "lang/lua/stdlib", "lang/lua/syntax"],
    "lang/service": ["workspace", "runtime"],
    "lang/lua/services": ["lang/service", "lang/lua/query", "lang/lua/check", "lang/lua/config",
                          "workspace", "runtime"],
    "lang/lua/index": ["lang/lua/services", "lang/lua/query", "lang/lua/check"],
    "lsp": ["protocol", "lang/service", "workspace"],
    "lang/lua/debug": ["lang/service", "runtime"],
    "dap": ["protocol", "lang/service"],
    "app": ["lsp", "dap", "protocol", "lang/lua/services", "lang/lua/index", "lang/lua/config",
            "lang/lua/debug",
            "workspace", "runtime"],
}

# Edges docs/ARCHITECTURE.md allows that no library links yet (lsp -> lang/lua for the
# LanguageService, dap -> lang/lua for the DebugBackend): an include along one is allowed, and
# the library will have to link it.
PLANNED = {
    "dap": ["lang/lua/services"],
}

# The CMake target of each layer.
TARGETS = {"moonring_runtime": "runtime", "moonring_protocol": "protocol",
           "moonring_workspace": "workspace", "moonring_lsp": "lsp", "moonring_dap": "dap",
           "moonring_service": "lang/service", "moonring": "app"}
for _part in ("syntax", "stdlib", "semantic", "config", "check", "query", "services", "index",
              "debug"):
    TARGETS["moonring_lua_" + _part] = "lang/lua/" + _part

# Headers that name a runtime backend: only runtime/ includes them ("Nothing outside runtime/
# names a backend"; threads outside the cores that batch file reads use runtime/file_batch.hpp).
BACKEND_HEADERS = re.compile(r"^(liburing\.h|liburing/|asio\.hpp|asio/|runtime/uring/|runtime/asio/)")

SOURCE_EXTENSIONS = (".cpp", ".hpp", ".h", ".cc", ".ipp", ".inl")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
LINK_CALL = re.compile(r"target_link_libraries\s*\(([^)]*)\)", re.S)


def layer_of(rel):
    """The layer a repository path belongs to; None outside the layers (tests/, bench/, ...);
    "?" + its folder for a path under lang/ that no layer of the table owns (a new part)."""
    parts = rel.split("/")
    if parts[0] == "lang":
        sub = "/".join(parts[:3]) if len(parts) >= 4 else "/".join(parts[:-1])
        return sub if sub in LINKS else "?" + sub
    return parts[0] if parts[0] in LINKS else None


def reachable(layer):
    """Every layer `layer` may include from: itself and all it reaches along LINKS and PLANNED."""
    seen, todo = {layer}, [layer]
    while todo:
        here = todo.pop()
        for below in LINKS.get(here, []) + PLANNED.get(here, []):
            if below not in seen:
                seen.add(below)
                todo.append(below)
    return seen


def check_includes(root):
    problems = []
    allowed = {layer: reachable(layer) for layer in LINKS}
    for top in sorted({layer.split("/")[0] for layer in LINKS}):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(SOURCE_EXTENSIONS):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                layer = layer_of(rel)
                if layer is None:
                    continue
                if layer.startswith("?"):
                    problems.append(f"{rel}: {layer[1:]}/ is not a layer of the LINKS table in "
                                    "scripts/check-layering.py: add it with what it may use")
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        header = m.group(2)
                        if BACKEND_HEADERS.match(header) and layer != "runtime":
                            problems.append(f"{rel}:{number}: {layer} includes {header}: only "
                                            "runtime/ names a backend")
                        if m.group(1) != '"':
                            continue
                        target = layer_of(header)
                        if target is not None and not target.startswith("?") \
                                and target not in allowed[layer]:
                            problems.append(f"{rel}:{number}: {layer} includes {header} "
                                            f"({target}), which is not below it")
    return problems


def cmake_links(root, layer):
    """The moonring_* libraries the targets in `layer`'s CMakeLists.txt link, as layers."""
    path = os.path.join(root, layer, "CMakeLists.txt")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"#[^\n]*", "", f.read())
    links = set()
    for call in LINK_CALL.finditer(text):
        for word in call.group(1).split()[1:]:
            if word in TARGETS:
                links.add(TARGETS[word])
            elif word.startswith("moonring_") and word != "moonring_warnings":
                links.add("?" + word)
    return links


def check_links(root):
    problems = []
    for layer, table in LINKS.items():
        links = cmake_links(root, layer)
        if links is None:
            continue  # a part not written yet
        for extra in sorted(links - set(table)):
            if extra in PLANNED.get(layer, []):
                problems.append(f"{layer}/CMakeLists.txt: links {extra}, a planned edge: move it "
                                "from PLANNED to LINKS in scripts/check-layering.py")
            else:
                problems.append(f"{layer}/CMakeLists.txt: links {extra.lstrip('?')}, which this "
                                "script's LINKS table does not allow")
        for absent in sorted(set(table) - links):
            problems.append(f"{layer}/CMakeLists.txt: does not link {absent}, which the LINKS "
                            "table says it does (keep the table true)")
    return problems


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = check_links(root) + check_includes(root)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} violation(s); the rule is in docs/ARCHITECTURE.md, the "
              "table in scripts/check-layering.py")
        return 1
    print("layering: every include and link points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

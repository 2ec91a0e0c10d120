#!/usr/bin/env python3
"""scripts/check-layering.py on a copy of this repository's layers, once as they are (clean) and
once per deliberate breach of the rule (an include from a layer above, a backend header outside
runtime/, a CMake link the table does not allow): each breach must be reported, by file and line.

usage: check_layering_test.py REPOSITORY_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = None
LAYER_DIRS = ("runtime", "protocol", "workspace", "lang", "lsp", "dap", "app", "scripts")


class Layering(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.tree = self.tmp.name
        for d in LAYER_DIRS:
            shutil.copytree(os.path.join(ROOT, d), os.path.join(self.tree, d))
        os.makedirs(os.path.join(self.tree, "tests"))
        shutil.copy(os.path.join(ROOT, "tests/catch_main.cpp"), os.path.join(self.tree, "tests"))

    def tearDown(self):
        self.tmp.cleanup()

    def run_check(self):
        proc = subprocess.run([sys.executable, os.path.join(self.tree, "scripts/check-layering.py"),
                               self.tree], capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout

    def append(self, rel, text):
        """Appends `text` to a file of the copy; the line number of its first line."""
        path = os.path.join(self.tree, rel)
        with open(path, encoding="utf-8") as f:
            lines = f.read().count("\n")
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)
        return lines + 1

    def test_the_tree_as_it_is_passes(self):
        code, out = self.run_check()
        self.assertEqual(code, 0, out)

    def test_runtime_including_protocol_fails(self):
        line = self.append("runtime/core.hpp", '#include "protocol/wire.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn(f"runtime/core.hpp:{line}: runtime includes protocol/wire.hpp (protocol)",
                      out)

    def test_syntax_including_semantic_fails(self):
        line = self.append("lang/lua/syntax/tree.cpp", '#include "lang/lua/semantic/binder.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn(f"lang/lua/syntax/tree.cpp:{line}: lang/lua/syntax includes", out)

    def test_workspace_including_lua_fails(self):
        self.append("workspace/documents/store.cpp", '#include "lang/lua/syntax/tree.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("workspace/documents/store.cpp", out)

    def test_lsp_reaches_the_language_only_through_the_service(self):
        self.append("lsp/server.cpp", '#include "lang/service/language_service.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 0, out)
        self.append("lsp/server.cpp", '#include "lang/lua/services/check_workspace.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("lsp includes lang/lua/services/check_workspace.hpp", out)

    def test_dap_may_include_lua_but_not_app(self):
        self.append("dap/server.cpp", '#include "lang/lua/services/check_workspace.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 0, out)  # a planned edge (dap -> lang/lua)
        self.append("dap/server.cpp", '#include "app/serve.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("dap includes app/serve.hpp (app)", out)

    def test_backend_header_outside_runtime_fails(self):
        self.append("protocol/wire.cpp", "#include <liburing.h>\n")
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("protocol/wire.cpp", out)
        self.assertIn("only runtime/ names a backend", out)

    def test_a_link_outside_the_table_fails(self):
        self.append("lang/lua/syntax/CMakeLists.txt",
                    "target_link_libraries(moonring_lua_syntax PUBLIC moonring_runtime)\n")
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("lang/lua/syntax/CMakeLists.txt: links runtime", out)

    def test_a_part_missing_from_the_table_fails(self):
        os.makedirs(os.path.join(self.tree, "lang/lua/nonesuch"))
        with open(os.path.join(self.tree, "lang/lua/nonesuch/agent.cpp"), "w") as f:
            f.write('#include "lang/lua/syntax/tree.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("lang/lua/nonesuch/agent.cpp: lang/lua/nonesuch/ is not a layer", out)

    def test_linking_a_planned_edge_asks_to_move_it(self):
        self.append("dap/CMakeLists.txt",
                    "target_link_libraries(moonring_dap PUBLIC moonring_lua_services)\n")
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        self.assertIn("dap/CMakeLists.txt: links lang/lua/services, a planned edge", out)

    def test_tests_may_include_anything(self):
        self.append("tests/catch_main.cpp", '#include "app/serve.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    ROOT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

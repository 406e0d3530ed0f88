"""The browser app (Gradio) and its helpers.

Importing this package first makes `import gradio` about twice as fast: on every import each Gradio
component class re-reads and re-parses its own source file to rewrite a .pyi stub beside it
(gradio.component_meta.create_or_modify_pyi). The stubs serve editors only, so that function is replaced
by a no-op as the module loads. Measured in docs/benchmarks.md.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType


class _SkipStubWriter(importlib.abc.MetaPathFinder):
    NAME = "gradio.component_meta"

    def find_spec(self, name: str, path, target=None):
        if name != self.NAME:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = lambda *args, **kwargs: None

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if "gradio" not in sys.modules and not any(isinstance(f, _SkipStubWriter) for f in sys.meta_path):
    sys.meta_path.insert(0, _SkipStubWriter())

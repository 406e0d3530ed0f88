"""Importing the UI package makes Gradio start faster without changing what it builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# Gradio's stub writer, given a class from a source file, writes a .pyi beside it; after mockprep.ui it must not.
PROBE = """
import json, pathlib, sys
{first}
import gradio as gr
from gradio import component_meta
sys.path.insert(0, sys.argv[1])
import fakecomp
component_meta.create_or_modify_pyi(fakecomp.Fake, "Fake", ["change"])
with gr.Blocks() as demo:
    box = gr.Textbox("hello", elem_id="probe")
stub = pathlib.Path(sys.argv[1]) / "fakecomp.pyi"
print(json.dumps({{"stub_written": stub.exists(), "value": box.value, "events": "change" in dir(box)}}))
"""


def probe(tmp: Path, first: str) -> dict:
    (tmp / "fakecomp.py").write_text("class Fake:\n    pass\n")
    (tmp / "fakecomp.pyi").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", PROBE.format(first=first), str(tmp)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120,
                         env={"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_gradio_imports_without_rewriting_its_stubs_and_still_builds_components(tmp_path: Path) -> None:
    assert probe(tmp_path, "import mockprep.ui") == {"stub_written": False, "value": "hello", "events": True}
    assert probe(tmp_path, "")["stub_written"]  # the probe can see the difference: Gradio alone writes it


def test_the_page_is_built_with_one_fastapi_app_made_at_launch(tmp_path) -> None:
    from gradio import routes

    from mockprep.config import SETTINGS
    from mockprep.ui.app import build_app

    create = routes.App.__dict__["create_app"]
    demo = build_app(SETTINGS.with_overrides(data_dir=tmp_path))
    assert demo.app is None  # none of the throwaway apps was made
    assert routes.App.__dict__["create_app"] is create  # and Gradio's own method is back for launch
    assert demo.config["components"] and demo.fns

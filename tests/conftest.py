"""Shared fixtures: a build of the demo province, made once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory import CODE_ROOT, FIXED_NOW, Province


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The demo province (this repository's units/ and content/) built into a temporary folder.

    Set DEMO_OUTPUT=<dir> to reuse an existing build while developing tests.
    """
    if os.environ.get("DEMO_OUTPUT"):
        return Path(os.environ["DEMO_OUTPUT"])
    output = tmp_path_factory.mktemp("demo") / "output"
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW=FIXED_NOW)
    proc = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "build.py"), "--output", str(output)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return output


@pytest.fixture
def province(tmp_path) -> Province:
    """A small valid province repository in a temporary folder."""
    return Province(tmp_path / "repo")


@pytest.fixture(scope="session")
def quota_demo(tmp_path_factory) -> Path:
    """The output of `make demo` (tools/demo.py: the demo province with its scripted history), built once."""
    target = tmp_path_factory.mktemp("make-demo")
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"))
    proc = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "demo.py"), "--into", str(target)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target / "output"

"""External tools the output tests need: where they are, and what to do when one is missing.

    from tooling import require, VNU_JAR
    require("vnu", "make test-tools")          # skips, or fails when CI=true

Everything here is installed by ``tools/setup-test-tools.sh`` (``make test-tools``,
which ``make test`` runs first).  On a developer's machine a missing tool skips
the tests that need it, naming the command that installs it; in CI (``CI=true``)
the same test fails instead, so a missing install step cannot pass silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CODE_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = CODE_ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
ATOM_RNC = CODE_ROOT / "tests" / "schemas" / "atom.rnc"

SETUP = "bash tools/setup-test-tools.sh"
INSTALL_HINTS = {
    "java": f"apt-get install -y --no-install-recommends default-jre-headless (or: {SETUP})",
    "jing": f"apt-get install -y --no-install-recommends jing (or: {SETUP})",
    "chromium": f"apt-get install -y --no-install-recommends chromium (or: {SETUP})",
    "nginx": f"apt-get install -y --no-install-recommends nginx (or: {SETUP})",
    "sshd": f"apt-get install -y --no-install-recommends openssh-server (or: {SETUP})",
    "ssh": f"apt-get install -y --no-install-recommends openssh-client (or: {SETUP})",
    "rsync": f"apt-get install -y --no-install-recommends rsync (or: {SETUP})",
    "soffice": f"apt-get install -y --no-install-recommends libreoffice-writer (or: {SETUP})",
    "pdftoppm": f"apt-get install -y --no-install-recommends poppler-utils (or: {SETUP})",
    "vnu": f"npm ci (or: {SETUP})",
    "axe-core": f"npm ci (or: {SETUP})",
    "playwright": ".venv/bin/pip install -r requirements.txt (or: make setup)",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(tool_name: str, install_hint: str | None = None) -> None:
    """Skip the calling test because ``tool_name`` is missing; fail instead when CI=true."""
    hint = install_hint or INSTALL_HINTS.get(tool_name, SETUP)
    message = f"{tool_name} is missing; install it with: {hint}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing tool is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def _present(tool_name: str) -> bool:
    if tool_name == "vnu":
        return VNU_JAR.is_file()
    if tool_name == "axe-core":
        return AXE_JS.is_file()
    if tool_name == "chromium":
        return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    if tool_name == "playwright":
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return False
        return True
    # sshd and nginx live in /usr/sbin, which is not on every user's PATH
    return shutil.which(tool_name) is not None or os.access(f"/usr/sbin/{tool_name}", os.X_OK)


def require(tool_name: str, install_hint: str | None = None) -> None:
    """Make sure ``tool_name`` is there: a command on PATH, or one of the known
    names ``vnu``, ``axe-core``, ``chromium``, ``playwright``.

    Missing: the test is skipped with a message naming ``install_hint`` (by
    default the known install command), or fails when CI=true.
    """
    if not _present(tool_name):
        missing(tool_name, install_hint)

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import AS_OF, make_rich_province  # noqa: E402


@pytest.fixture(scope="session")
def rich_build(tmp_path_factory):
    """(province, output) of the rich province, built as of helpers.AS_OF (the pages and the workbook)."""
    province = make_rich_province(tmp_path_factory.mktemp("quota") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "AS_OF", AS_OF)
        patch.setitem(os.environ, "PUBLICATION_NOW", f"{AS_OF}T12:00:00+07:00")
        output = province.build()
    return province, output

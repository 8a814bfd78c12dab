"""Settings for publishing (`make html PUBLISH=1`, `make publish`): the portal's address
from the SITEURL environment variable, required; units with `url:` at their own."""

import inspect
import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403
from problems import Problem  # noqa: E402
from unit_registry import SITE_URL  # noqa: E402

_SITEURL = os.environ.get("SITEURL", "").strip()
_SITEURL_LINE = inspect.currentframe().f_lineno - 1  # the problem is in the environment: show where it is read

# The rule of a unit's `url:` (https://, a real host name): a published feed or share link
# must never point at the development address
if not SITE_URL.match(_SITEURL.lower()):
    print(Problem("publishconf.py", _SITEURL_LINE, "E426", {"value": _SITEURL}), file=sys.stderr)
    raise SystemExit(2)

PUBLIC_URL = _SITEURL.rstrip("/")
UNIT_ADDRESSES = True  # a unit with `url:` is published at that address (unit_sites.links)
WEB_EDITOR_LOCAL_BACKEND = False  # the published admin pages save only through the git host

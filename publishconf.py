"""Settings for publishing: the portal's address from the SITEURL environment variable, units at their own."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

PUBLIC_URL = os.environ.get("SITEURL", "https://so-gddt.example.edu.vn").rstrip("/")
UNIT_ADDRESSES = True  # a unit with `url:` is published at that address (unit_sites.links)

"""Settings for publishing: absolute feed addresses from the SITEURL environment variable."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

FEED_DOMAIN = os.environ.get("SITEURL", "https://so-gddt.example.edu.vn").rstrip("/")

# Two commands on a fresh clone: `make html` and `make test`.  Each sets up
# what it needs first (a virtual environment with pinned packages).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
export PYTHONPATH := $(CURDIR)/plugins

.PHONY: html check test serve clean setup test-tools quota bench demo demo-serve import import-pending publish nginx-conf review codeowners editor

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# PUBLISH=1: the publishing settings (publishconf.py: SITEURL required, units at their own `url:`)
SETTINGS := $(if $(PUBLISH),publishconf.py,pelicanconf.py)

# The web editor's npm packages first (tools/npm-packages.sh: does nothing when installed,
# never fails; without npm the sites are built without output/admin/)
html: setup
	@bash tools/npm-packages.sh
	$(PY) tools/build.py --settings $(SETTINGS)

check: setup
	$(PY) -m publication.check $(if $(BASE),--base $(BASE))

# The Văn phòng's review report of a change: stdout and output/review.md (docs/duyet-bai.md).
review: setup
	@$(PY) -m review $(if $(BASE),--base $(BASE))

quota: setup
	$(PY) -m quota $(if $(AS_OF),--as-of $(AS_OF))

# A Word document (or every one in a folder) to an article of UNIT; prints each article's path.
import: setup
	@$(PY) -m word_import $(if $(DOCX),"$(DOCX)") $(if $(UNIT),--unit "$(UNIT)")

# Pull requests: what waits in content/*/word/ becomes articles, committed on the current branch.
import-pending: setup
	@$(PY) -m word_import --pending

# System tools the output checks need (Java + vnu, jing, Chromium + axe-core).
test-tools: setup
	bash tools/setup-test-tools.sh

test: setup test-tools
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks: every bench/bench_*.py part, in one run (SIZE=small for the everyday preset).
bench: setup
	@mkdir -p bench/results
	@for part in bench/bench_*.py; do echo "== $$part"; $(PY) $$part --size $(or $(SIZE),default) || exit 1; done

# The demo province with a scripted two-school-year history, in a throw-away repository (demo/).
demo: setup
	$(PY) tools/demo.py

demo-serve: setup
	$(PY) tools/demo.py --serve

serve: html
	@echo "Mở http://localhost:8000/ (Ctrl+C để dừng)"
	$(PY) -m http.server --directory output --bind 127.0.0.1 8000

clean:
	rm -rf output output.new output.old output.trees cache .pytest_cache demo

# Publishing (README, "Thiết lập CI và xuất bản"): build with the publishing settings, then
# every site to its place on the web server (DEPLOY_* variables; plugins/deploy)
publish:
	$(MAKE) html PUBLISH=1
	$(PY) -m deploy

# The web server's configuration for those sites, to standard output (NGINX_ARGS=--plain-http behind a TLS proxy)
nginx-conf: setup
	@$(PY) -m deploy.nginx $(NGINX_ARGS)

# CODEOWNERS (.github/, .gitlab/ or .gitea/ after git_host.kind) from units/; commit it with the units (E418)
codeowners: setup
	@$(PY) -m review.codeowners

# The web editor on this machine (tools/editor.py, docs/trinh-soan-bai.md): decap-server in git
# mode (each draft a branch cms/...) and the built sites on 127.0.0.1; Ctrl+C stops both
editor: setup
	@bash tools/npm-packages.sh
	@$(PY) tools/editor.py $(if $(PORT),--port $(PORT)) $(if $(EDITOR_PORT),--backend-port $(EDITOR_PORT))

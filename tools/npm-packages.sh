#!/usr/bin/env bash
# The npm packages pinned in package.json / package-lock.json (the web editor's Decap CMS,
# decap-server and browser-image-compression; the verifiers vnu-jar and axe-core), run by
# `make html` and tools/setup-test-tools.sh.  Does nothing when node_modules already holds
# what the lock file says; never fails: without npm the sites are still built, without
# the web editor (plugins/web_editor says so).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "Chưa cài npm nên chưa có trang viết bài trên web; cài bằng: sudo apt-get install -y --no-install-recommends npm" >&2
    exit 0
fi
# reinstall only when package-lock.json is newer than what node_modules holds
# (npm writes node_modules/.package-lock.json), or a package's main file is missing
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ ! package.json -nt "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] \
        && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] && [ -f node_modules/axe-core/axe.min.js ] \
        && [ -f node_modules/decap-cms/dist/decap-cms.js ] && [ -f node_modules/decap-server/dist/index.js ] \
        && [ -f node_modules/browser-image-compression/dist/browser-image-compression.js ]; then
    exit 0
fi
echo "Đang cài các gói npm (trình soạn bài Decap CMS, công cụ kiểm tra) theo package-lock.json…" >&2
if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "Không cài được các gói npm (mạng?); các trang vẫn được dựng, chưa có trang viết bài. Chạy lại make html sau." >&2
fi
exit 0

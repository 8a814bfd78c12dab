#!/usr/bin/env bash
# Installs what the output checks in tests/output/ need, and does nothing when
# everything is already there:
#   Debian: chromium (for axe-core and the browser tests through playwright), a
#           Java runtime (for the Nu HTML checker), jing (RELAX NG, for the Atom
#           feeds), nginx, openssh-server and rsync (the publishing tests serve and
#           deploy on 127.0.0.1), libreoffice-writer (.odt/.doc and LibreOffice-made
#           .docx for the Word import) and poppler-utils (pdftoppm: printed pages);
#   npm:    vnu-jar and axe-core (and the web editor's packages), pinned in package.json /
#           package-lock.json, through tools/npm-packages.sh.
# The Python side (playwright) comes from requirements.txt via `make setup`.
# playwright drives /usr/bin/chromium: it never downloads a browser.
#
# As root a missing Debian tool is installed (one `apt-get update` first); as
# another user the command that would install it is printed and the script
# goes on, so the tests concerned skip (or fail when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need() {  # need <command> <Debian package>
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || missing+=("$2")
}
need chromium chromium
need java default-jre-headless
need jing jing
need nginx nginx
need sshd openssh-server
need ssh openssh-client
need rsync rsync
need soffice libreoffice-writer
need pdftoppm poppler-utils

if ((${#missing[@]})); then
    install=(apt-get install -y --no-install-recommends "${missing[@]}")
    if [ "$(id -u)" = 0 ]; then
        echo "setup-test-tools: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        "${install[@]}" >/dev/null
    else
        echo "setup-test-tools: missing ${missing[*]}; install with: sudo apt-get update && sudo ${install[*]}" >&2
    fi
fi

# npm packages (pinned in package.json / package-lock.json): the same script `make html` runs
bash tools/npm-packages.sh

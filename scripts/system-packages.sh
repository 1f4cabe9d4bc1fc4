#!/usr/bin/env bash
# Install the Debian packages ganops needs (the offline datasets), or say which.
# --tests: also what only the tests use (a PostgreSQL server behind the tracking-server tests).
set -euo pipefail
needed=()
if [ "${1:-}" = "--tests" ]; then
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null \
    || needed+=(postgresql)
fi
[ -d /usr/share/datasets/fashion-mnist ] || needed+=(dataset-fashion-mnist)
[ -d /usr/share/games/fortunes ] || needed+=(fortunes)
command -v git >/dev/null || needed+=(git)
# Headless browser of the UI tests (tests/integration/test_browser.py), driven by Playwright.
[ -x /usr/bin/chromium ] || needed+=(chromium)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${needed[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
else
  echo "ganops needs these Debian packages: ${needed[*]}" >&2
  echo "install them as root:  sudo apt-get install -y ${needed[*]}" >&2
  exit 1
fi

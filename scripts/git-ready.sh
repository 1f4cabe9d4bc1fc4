#!/usr/bin/env bash
# DVC needs a git repository (and `dvc exp` needs one commit); a downloaded tarball has neither.
set -euo pipefail
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  git init -q
  git add -A
  git -c user.name=ganops -c user.email=ganops@localhost commit -qm "initial import"
fi

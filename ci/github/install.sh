#!/usr/bin/env bash
# Install o2s-config for the action: this action's own version, a pip requirement, or nothing.
set -euo pipefail

install="${INPUT_INSTALL:-action}"
case "$install" in
  none)
    command -v o2s-config >/dev/null || { echo "::error::install is 'none' but o2s-config is not on PATH"; exit 1; }
    ;;
  action)
    python -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?}"
    ;;
  *)
    python -m pip install --quiet --disable-pip-version-check "$install"
    ;;
esac
o2s-config --version

#!/usr/bin/env bash
# Runs "$@" with an unlocked gnome-keyring Secret Service on the current (dbus-run-session) bus,
# so keychain tests use the REAL OS keychain (libsecret), never a fake.
set -euo pipefail
export GRAPH_BRIDGE_TEST_KEYRING=1
# A throwaway keyring home for this run (never the developer's own keyrings).
export XDG_DATA_HOME="${XDG_DATA_HOME_TEST:-$(mktemp -d -t gb-keyring-XXXXXX)}"
eval "$(printf 'graph-bridge-test' | gnome-keyring-daemon --unlock --components=secrets)"
eval "$(gnome-keyring-daemon --start --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
"$@"
status=$?
pkill -u "$(id -u)" -f "gnome-keyring-daemon.*${XDG_DATA_HOME}" >/dev/null 2>&1 || true
exit $status

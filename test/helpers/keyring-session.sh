#!/usr/bin/env bash
# Runs "$@" with an unlocked gnome-keyring Secret Service on the current (dbus-run-session) bus,
# so keychain tests use the REAL OS keychain (libsecret), never a fake.
set -euo pipefail
export GRAPH_BRIDGE_TEST_KEYRING=1
# A throwaway keyring home for this run (never the developer's own keyrings).
export XDG_DATA_HOME="${XDG_DATA_HOME_TEST:-$(mktemp -d -t gb-keyring-XXXXXX)}"
# A private control directory: without one, `--unlock` and `--start` find any other session's daemon
# through the default one (a leftover daemon, a parallel test run) and this session's bus ends up with
# a daemon whose login keyring is locked or missing ("Object does not exist at path …/collection/login").
control="$XDG_DATA_HOME/keyring-control"
mkdir -p -m 700 "$control"
eval "$(printf 'graph-bridge-test' | gnome-keyring-daemon --unlock --components=secrets --control-directory="$control")"
eval "$(gnome-keyring-daemon --start --components=secrets --control-directory="$control")"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
"$@"
status=$?
pkill -u "$(id -u)" -f "gnome-keyring-daemon.*${XDG_DATA_HOME}" >/dev/null 2>&1 || true
exit $status

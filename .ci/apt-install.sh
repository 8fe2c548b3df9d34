#!/usr/bin/env bash
# Installs Debian packages unless all of them are already there, retrying while apt is busy (another job
# holding its lock). Usage: apt-install.sh <caller name for messages> <package>...
set -euo pipefail
who="$1"
shift
if dpkg -s "$@" >/dev/null 2>&1; then exit 0; fi
for attempt in 1 2 3 4 5 6; do
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; then
    exit 0
  fi
  echo "$who: apt busy or failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
echo "$who: apt-get install $* failed 6 times" >&2
exit 1

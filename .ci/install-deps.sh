#!/usr/bin/env bash
# Installs what the test suite needs from Debian packages, only when missing:
# docker-registry (a real OCI registry for __tests__/real-registry.test.ts), git, jq, curl.
# Works as root without a TTY; uses sudo when not root and sudo exists.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    echo "install-deps: not root and no sudo; cannot install packages" >&2
    exit 1
  fi
fi

missing=()
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: docker-registry, git, jq, curl already present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"

# The package's systemd unit/default config is not used: tests start their own
# registry on 127.0.0.1 with a throwaway config (tools/real-registry.mjs).
/usr/bin/docker-registry --version

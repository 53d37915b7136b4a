#!/usr/bin/env bash
# Debian packages the project needs beyond the machine image: MariaDB (the local ECR/CRM
# server), Chromium (dashboard PNG and its browser test), and unshare/mount (the two-host
# Spark tests give the worker its own /tmp; Debian's base system has both, checked so a
# missing one is installed, not a test error). Installed once with apt-get; a no-op when all
# are present.
set -euo pipefail
need=()
command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v mount >/dev/null 2>&1 || need+=(mount)
[[ ${#need[@]} -eq 0 ]] && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "error: missing ${need[*]} and no apt-get: install them with your package manager" >&2; exit 1; }
SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
echo "==> install: apt-get install ${need[*]} (one time)"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || { echo "error: apt-get install ${need[*]} failed: run it by hand to see why" >&2; exit 1; }

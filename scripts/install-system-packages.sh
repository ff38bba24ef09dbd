#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (browser tests) and a real WordPress stack
# (publishing tests). Idempotent; run as root. Never lets package scripts start services on
# public ports (policy-rc.d), since the tests start their own private instances on 127.0.0.1.
set -euo pipefail
packages=(chromium wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-gd php-mbstring php-xml php-curl mariadb-server curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || { echo "system packages present"; exit 0; }

created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '((created_policy)) && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"

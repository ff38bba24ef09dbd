#!/usr/bin/env bash
# Installs the Debian packages the real-WordPress test harness needs (Debian 12, run as root).
# Safe to run repeatedly: does nothing when everything is installed. Never lets package scripts
# start apache2 or MariaDB on public ports (policy-rc.d answers 101 while apt runs).
#
#   sudo bash packages/local/src/wordpress/install-packages.sh
set -euo pipefail

PKGS=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-gd php-mbstring php-xml
      php-curl mariadb-server)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "wordpress harness packages: all installed"
  exit 0
fi
if ((EUID != 0)); then
  echo "missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi

created_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if ((created_policy)); then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo "wordpress harness packages: installing ${missing[*]}"
# Another apt run may hold the dpkg lock: wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "wordpress harness packages: installed"

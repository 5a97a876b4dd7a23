#!/usr/bin/env bash
# The cluster (npm run cluster, test/cluster) puts Debian's nginx in front of the API nodes. The launcher
# runs it as a child with its own prefix and config (scripts/cluster/cluster.ts), never as the system
# service, so only the binary is needed here.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
echo "nginx missing: installing Debian's nginx…"
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
/usr/sbin/nginx -v

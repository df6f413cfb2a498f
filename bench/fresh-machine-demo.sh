#!/usr/bin/env bash
# The README's first command as a newcomer runs it on a fresh Debian machine, simulated: a container from
# shipgate's base image (Debian bookworm minbase with only a Java runtime: no Maven, no JDK, no sshd, no
# etcd), the repository's committed main copied in, Maven's cache mounted read-only (an overlay keeps it
# unchanged), as root. Prints what the demo installed and its wall time; exits with the demo's code.
# Usage: bench/fresh-machine-demo.sh   (as root, Docker engine running, after ./shipgate images build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
work="$(mktemp -d /tmp/shipgate-fresh.XXXXXX)"
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/shipgate"
image=shipgate-base:bookworm-jre17
docker image inspect "$image" >/dev/null 2>&1 || { echo "no $image: run ./shipgate images build" >&2; exit 2; }
# NET_ADMIN: the live demo's iptables partitions; SYS_ADMIN: the overlay over the read-only Maven cache
# (its upper layer on a tmpfs: overlayfs refuses an upper layer on the container's own overlay)
docker run --rm --cap-add NET_ADMIN --cap-add SYS_ADMIN --tmpfs /tmp/m2 --label dev.shipgate=true \
  --pull never -v "$m2":/m2-ro:ro -v "$work/shipgate":/src:ro "$image" bash -c '
    set -e
    mkdir -p /root/.m2/repository /tmp/m2/up /tmp/m2/work
    mount -t overlay overlay -o lowerdir=/m2-ro,upperdir=/tmp/m2/up,workdir=/tmp/m2/work /root/.m2/repository
    cp -a /src /root/shipgate && cd /root/shipgate
    echo "fresh: $(. /etc/os-release; echo $PRETTY_NAME); mvn: $(command -v mvn || echo none); javac: $(command -v javac || echo none); sshd: $(command -v sshd || echo none); etcd: $(command -v etcd || echo none)"
    start=$(date +%s)
    set +e
    ./shipgate demo
    code=$?
    echo "fresh: ./shipgate demo exited $code after $(( $(date +%s) - start )) s"
    exit $code'

#!/bin/bash
# The compose stack's SSH keys (run once by the `keys` service, in the target image): a host key per node,
# the driver's key, and a known_hosts pinning each node's host key at its address. Kept in the `keys`
# volume; a second `up` reuses them.
set -euo pipefail
dir=/keys
if [ -f "$dir/known_hosts" ]; then
  echo "keys: reusing $dir"
  exit 0
fi
mkdir -p "$dir"
umask 077
: > "$dir/known_hosts.tmp"
for node in a:10.213.7.11 b:10.213.7.12 c:10.213.7.13; do
  name="${node%%:*}"; address="${node#*:}"
  mkdir -p "$dir/$name"
  ssh-keygen -q -t ed25519 -N '' -C "shipgate-compose-$name" -f "$dir/$name/ssh_host_ed25519_key"
  echo "$address $(cut -d' ' -f1,2 "$dir/$name/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts.tmp"
done
ssh-keygen -q -t ed25519 -N '' -C shipgate-compose-driver -f "$dir/driver_ed25519"
cp "$dir/driver_ed25519.pub" "$dir/authorized_keys"
chmod 644 "$dir/known_hosts.tmp" "$dir/authorized_keys" "$dir"/*/ssh_host_ed25519_key.pub
mv "$dir/known_hosts.tmp" "$dir/known_hosts"
echo "keys: host keys for a, b, c and the driver's key written to $dir"

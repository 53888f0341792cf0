#!/bin/sh
# Does a runtime send multicast only by the interface it is told? Run as root: it makes a private
# network namespace with loopback and a veth pair as its default route (nothing there reaches a
# real network), starts two `chat --group` members with --interface 127.0.0.1, and prints how many
# packets the veth sent meanwhile (should not grow) and what the members heard.
#   sudo sh bench/multicast-netns.sh node|deno|bun [--interface 127.0.0.1]
# With no --interface, the datagrams take the default route: the veth counter grows (the control).
set -e
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -n, ip link)"; exit 2; }
[ -n "$INSIDE" ] || exec env INSIDE=1 unshare -n sh "$0" "$@"
root=$(cd "$(dirname "$0")/.." && pwd)
ip link set lo up
ip link add v0 type veth peer name v1
ip addr add 10.9.0.1/24 dev v0
ip link set v0 up && ip link set v1 up && ip route add default dev v0
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || true
case "$1" in
  node) cmd="node $root/bin/chat.mjs" ;;
  deno) cmd="$root/node_modules/.bin/deno run --unstable-net -A $root/cli/bin.ts" ;;
  bun) cmd="$root/node_modules/.bin/bun $root/cli/bin.ts" ;;
  *) echo "usage: $0 node|deno|bun [--interface ADDR]"; exit 2 ;;
esac
shift
tx() { ip -s link show v0 | awk '/TX:/{getline; print $2}'; }
dir=$(mktemp -d) && cd "$dir"
before=$(tx)
( (sleep 4; echo 'from A'; sleep 4) | timeout 30 $cmd --group 239.7.7.7:45678 "$@" --ttl 1 --json --linger 3000 > a.out 2>&1 ) &
( (sleep 6; echo 'from B'; sleep 3) | timeout 30 $cmd --group 239.7.7.7:45678 "$@" --ttl 1 --json --linger 3000 > b.out 2>&1 ) &
wait
echo "veth packets sent: $before -> $(tx)"
grep -h '"message"' a.out b.out || true
grep -vh '^{' a.out b.out || true

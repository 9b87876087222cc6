#!/usr/bin/env bash
# Installs what the namespaces and gvisor sandbox drivers need, from Debian's packages. Idempotent: a machine that has
# everything gets no apt call at all. Run as root (CI does, before the tests).
#   bubblewrap  bwrap, the namespaces driver's sandbox
#   runsc       gVisor, the gvisor driver's runtime (ptrace platform: no /dev/kvm needed)
#   iproute2    ip: network namespaces, veth pairs, routes
#   nftables    nft: the egress rules of table inet hearth
#   util-linux  unshare, nsenter, setpriv, mount, umount
#   python3     /usr/bin/python3, the test agents' interpreter (the pyenv shim is too slow to start)
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "install-isolation: must run as root (the drivers themselves need root too)" >&2
  exit 1
fi

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have bwrap || need+=(bubblewrap)
have runsc || need+=(runsc)
have ip || need+=(iproute2)
have nft || need+=(nftables)
{ have unshare && have nsenter && have setpriv; } || need+=(util-linux)
{ have mount && have umount; } || need+=(mount)
[ -x /usr/bin/python3 ] || need+=(python3)

if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "install-isolation: installed ${need[*]}"
fi

# The drivers make network namespaces under /run/netns and need IPv4 forwarding for PUBLIC sandboxes; they set it
# themselves, this only reports what the host offers.
echo "install-isolation: $(bwrap --version), $(runsc --version 2>/dev/null | head -1), $(nft --version)"
if [ ! -e /dev/kvm ]; then
  echo "install-isolation: no /dev/kvm here: gVisor runs on its ptrace platform; Firecracker and Kata cannot run"
fi

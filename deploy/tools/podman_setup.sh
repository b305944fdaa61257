#!/usr/bin/env bash
# Makes podman usable for `make image-test` on a bare Debian machine (root, no Docker daemon):
#   podman_setup.sh DIR   ->  Debian's podman, runc, mmdebstrap and uidmap when missing;
#                             DIR/containers.conf and DIR/storage.conf, this checkout's own
# Nothing system-wide is configured: podman reads these files only through CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF, and keeps its images under DIR, so `make clean` removes them.
set -euo pipefail
dir="$1"

missing=()
for pair in podman:podman runc:runc mmdebstrap:mmdebstrap newuidmap:uidmap; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
  # A fresh machine may have no package lists yet: refresh them once and retry.
  export DEBIAN_FRONTEND=noninteractive
  install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
  "${install[@]}" || { apt-get update -q && "${install[@]}"; }
fi

# podman's default ulimits ask for more than the hard limits here, and raising them needs
# CAP_SYS_RESOURCE, which this machine does not grant: ask for exactly the hard limits.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
if [[ $nproc == unlimited ]] || ((nproc > pid_max)); then nproc=$pid_max; fi
if [[ $nofile == unlimited ]]; then nofile=$(cat /proc/sys/fs/nr_open); fi

mkdir -p "$dir"
# Debian's crun rejects a hybrid cgroup layout; runc accepts it.
cat >"$dir/containers.conf" <<CONF
# Written by deploy/tools/podman_setup.sh; selected with CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
CONF
cat >"$dir/storage.conf" <<CONF
# Written by deploy/tools/podman_setup.sh; selected with CONTAINERS_STORAGE_CONF.
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
CONF

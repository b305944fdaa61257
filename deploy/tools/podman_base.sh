#!/usr/bin/env bash
# Builds a local stand-in for the Dockerfile's base image, once, where no registry is reachable:
#   podman_base.sh DOCKERFILE
# The base is named by the runtime stage's FROM (python:3.11-slim-bookworm) and tagged with the
# same name under localhost/, so the Dockerfile builds unmodified. It is Debian's minbase with
# Debian's Python 3.11, not the official image's own build of Python: the test that uses it
# proves the Dockerfile and the container's behaviour, not the production base.
set -euo pipefail
dockerfile="$1"
base=$(sed -n 's/^FROM \([^ ]*\) AS runtime$/\1/p' "$dockerfile")
[[ $base =~ ^python:([0-9]+\.[0-9]+)-slim-([a-z]+)$ ]] || {
  echo "podman_base.sh: cannot read a python:X.Y-slim-SUITE base from $dockerfile" >&2
  exit 1
}
python="${BASH_REMATCH[1]}"
suite="${BASH_REMATCH[2]}"
image="localhost/$base"
podman image exists "$image" && exit 0

# The host's own apt sources: same mirror, same suite's updates and security archive.
sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=/etc/apt/sources.list

# Like Debian's official images (which python:*-slim builds on): apt keeps no package caches
# and dpkg skips manuals, documentation and translations, so a layer that runs apt-get is
# as large here as it would be on the real base.
mmdebstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates \
  --aptopt='Dir::Cache::pkgcache ""' --aptopt='Dir::Cache::srcpkgcache ""' \
  --aptopt='DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; }' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  "$suite" - "$sources" |
  podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$image"

found=$(podman run --rm --network=none "$image" python --version)
[[ $found == "Python $python."* ]] || {
  podman rmi "$image"
  echo "podman_base.sh: $image has $found, the Dockerfile expects Python $python" >&2
  exit 1
}

#!/usr/bin/env bash
# Build the Debian 12 systemd image that molecule's test hosts boot, unless an
# image built from this very recipe already exists. No registry is reachable,
# so the root file system comes from debootstrap; the tag is a hash of this
# file, so changing the recipe builds a new image and an unchanged one is reused.
#
#   tools/molecule_image.sh          build when missing, print the image name
#   tools/molecule_image.sh --name   only print the image name
set -euo pipefail

repository=localhost/boltfoundry-molecule-debian12
# What a Hetzner Debian 12 image has that the role relies on: systemd as init,
# sshd, sudo, Python with python3-apt (the apt module needs it in check mode),
# ifupdown for networking. Docker, ufw and unattended-upgrades are left out:
# the role installs them.
packages=python3,python3-apt,openssh-server,systemd,systemd-sysv,dbus,iproute2,sudo,ifupdown

recipe_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
image="$repository:$recipe_hash"

if [[ "${1:-}" == "--name" ]]; then
  echo "$image"
  exit 0
fi

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

rootfs=$(mktemp -d /var/tmp/bf-molecule-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "building $image with debootstrap (about a minute)" >&2
debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" >&2
# Let the container's own hostname and machine id apply at boot.
rm -f "$rootfs/etc/hostname"
: >"$rootfs/etc/machine-id"
tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' \
  --change "LABEL org.boltfoundry.recipe=$recipe_hash" - "$image" >/dev/null

# Older builds of this recipe are no longer used by anything: drop them.
podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$repository" |
  grep -vxF "$image" | xargs -r podman rmi >/dev/null 2>&1 || true
echo "$image"

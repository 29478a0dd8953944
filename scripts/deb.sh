#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages, by Debian's own tools (dpkg-buildpackage,
# debhelper, dh-dkms), from a copy of this tree, so that the checkout stays
# clean and dpkg-buildpackage's outputs (it writes them next to the source
# directory) do not land beside it.  Leaves in out/deb/:
#
#   passthru-dkms_V_all.deb, passthru-tools_V_amd64.deb
#   all/    everything dpkg-buildpackage made: those two (hard links),
#           passthru-tools-dbgsym_V_amd64.deb (the debug symbols), the
#           source package (passthru_V.dsc, .tar.xz; native) and
#           passthru_V_amd64.changes and .buildinfo, which name them all
#           (lintian reads the .changes)
#   build.log
#
# So "apt install ./out/deb/*.deb" takes the two packages only.
. "$(dirname "$0")/common.sh"

command -v dpkg-buildpackage >/dev/null && command -v dh_dkms >/dev/null ||
	die "dpkg-dev, debhelper and dh-dkms are missing: run scripts/deps.sh"
ver=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
dest=$OUT/deb
work=$OUT/deb-build
src=$work/passthru-$ver
rm -rf "$dest" "$work"
mkdir -p "$dest/all" "$src"
# The tree as it is, uncommitted changes and new files included, without
# what .gitignore ignores (out/, a module built in the tree); without git
# (a tarball), all of it but out/.
if git -C "$TOP" rev-parse --show-toplevel >/dev/null 2>&1; then
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
		tar -C "$TOP" --null -T - --ignore-failed-read -cf - | tar -C "$src" -xf -
else
	tar -C "$TOP" --exclude=./out -cf - . | tar -C "$src" -xf -
fi

log "building passthru $ver (log: $dest/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc) >"$dest/build.log" 2>&1; then
	tail -n 30 "$dest/build.log" >&2
	die "dpkg-buildpackage failed, see $dest/build.log"
fi
mv "$work"/*.deb "$work"/*.dsc "$work"/*.tar.* "$work"/*.changes \
	"$work"/*.buildinfo "$dest/all/"
for deb in "$dest"/all/*.deb; do
	case $deb in *-dbgsym_*) ;; *) ln "$deb" "$dest/" ;; esac
done
rm -rf "$work"
ls "$dest"/*.deb

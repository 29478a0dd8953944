# SPDX-License-Identifier: GPL-2.0
# apt on one Debian suite alone, for kernel-headers.sh and distro-kernel.sh:
# packages are downloaded and unpacked from it, never installed.  Source
# it after common.sh, then:
#
#   suite_apt 6.12|newest   bookworm-security or sid; its lists under
#                           $CACHE/kernel-headers/apt/<suite>/, refreshed
#                           once a day (so "the newest" moves as sid does)
#   sapt apt-get|apt-cache ARGS...
#                           that command on the suite, blind to the host's
#                           sources and installed packages

suite_apt() {
	case $1 in
	6.12) suite=bookworm-security uri=http://deb.debian.org/debian-security ;;
	newest) suite=sid uri=http://deb.debian.org/debian ;;
	*) die "suite_apt: no suite for kernel '$1'" ;;
	esac
	state=$CACHE/kernel-headers/apt/$suite
	mkdir -p "$state/sources.list.d" "$state/lists/partial" "$state/cache/archives/partial"
	cat >"$state/sources.list.d/$suite.sources" <<EOS
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	local stamp=$state/lists/.updated
	[ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ] && return 0
	log "updating the package lists of $suite ($uri)"
	if sapt apt-get update --error-on=any >"$state/update.log" 2>&1; then
		touch "$stamp"
	elif [ -f "$stamp" ]; then
		log "warning: apt-get update of $suite failed (see $state/update.log); using the lists of $(date -r "$stamp" +%F)"
	else
		die "apt-get update of $suite failed, see $state/update.log"
	fi
}

# sid's Release as served here can be past its Valid-Until.
sapt() {
	local cmd=$1
	shift
	"$cmd" -o Dir::Etc::sourcelist=/dev/null \
		-o Dir::Etc::sourceparts="$state/sources.list.d" \
		-o Dir::State::Lists="$state/lists" -o Dir::State::status=/dev/null \
		-o Dir::Cache="$state/cache" -o APT::Architecture=amd64 \
		-o APT::Architectures=amd64 -o Acquire::Languages=none \
		-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root "$@"
}

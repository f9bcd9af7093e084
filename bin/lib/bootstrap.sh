# shellcheck shell=bash
# Installs what SACIP needs on a Debian 12 machine when it is missing, and picks a JDK 17.
# Sourced by bin/test and bin/sacip-lab; needs root only when something must be installed.

# tcpdump: the attack scenario captures real updates at the router to replay them. util-linux (setpriv), python3,
# groff-base, man-db and bash: tests that switch users, render the man page and run the completion script. As root
# (and in CI) such a test fails when its tool is missing instead of being skipped, so they are installed here.
# The benchmarks (bin/sacip-lab bench, and its quick run in CI): fontconfig and a font for the headless PNG plots,
# mptcpize (Debian's own package of mptcpd's LD_PRELOAD converter) and iperf3 for the MPTCP and data-path cases,
# iputils-ping for the lab's RTT, util-linux's prlimit for endpoints with 100,000 connections.
# The package test (packaging, InstalledPackageIT): lintian checks the .deb, systemd gives systemd-analyze (verify,
# security; it does not become PID 1 by being installed), adduser and init-system-helpers (deb-systemd-helper) run
# the maintainer scripts.
# openssh-server and openssh-client: the NAT lab runs a real SSH session across moves, with an sshd of its own inside
# a lab namespace (the host's own sshd is never wanted, see sacip_apt_install).
SACIP_APT_PACKAGES=(openjdk-17-jdk-headless maven nftables libpcap0.8 iproute2 conntrack procps util-linux tcpdump
  python3 groff-base man-db bash fontconfig fonts-dejavu-core mptcpize iperf3 iputils-ping lintian systemd adduser
  init-system-helpers openssh-server openssh-client)

sacip_bootstrap() {
  local missing=() pkg
  for pkg in "${SACIP_APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]})); then
    if [[ $EUID -ne 0 ]]; then
      echo "sacip: missing packages: ${missing[*]}; run this as root to install them" >&2
      return 1
    fi
    echo "sacip: installing ${missing[*]}" >&2
    sacip_apt_install "${missing[@]}" || return 1
  fi
  # Several JDKs may be installed; the build needs 17 or later, and Debian's 17 is the one we install.
  if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  fi
}

# apt-get install with no service started: a package such as openssh-server would otherwise start a system-wide
# daemon (sshd listening on port 22 of the machine) that nothing here wants. Maintainer scripts ask invoke-rc.d,
# which asks /usr/sbin/policy-rc.d; exit 101 there means "not allowed". A policy of the machine's own is left as it
# is; ours is made only for the install and removed after it, whatever the install did.
sacip_apt_install() {
  local policy=/usr/sbin/policy-rc.d ours=0 status=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# sacip bootstrap: no service starts while it installs packages.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 || status=1
  if ((ours)); then
    rm -f "$policy"
  fi
  return "$status"
}

# Builds every module once (tests skipped) so launchers find their jars.
sacip_build() {
  local root=$1
  (cd "$root" && mvn -B -q -DskipTests install) >&2
}

# Removes network namespaces that tests or lab runs named after their process id (sacip-<pid>-..., sacip-t<pid>-...)
# when that process is gone: a test JVM killed by a timeout cannot run its own cleanup. Live runs are never touched.
sacip_sweep_dead_namespaces() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    if [[ $ns =~ ^sacip-t?([0-9]+)- ]]; then
      pid=${BASH_REMATCH[1]}
      if ! kill -0 "$pid" 2>/dev/null; then
        ip netns del "$ns" 2>/dev/null && echo "sacip: removed namespace $ns left by dead process $pid" >&2
      fi
    fi
  done
  return 0
}

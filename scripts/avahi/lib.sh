# shellcheck shell=bash
# Shared helpers for the confined Avahi test environment. Sourced by start, stop, daemon, test-env.
#
# Confinement: every avahi-daemon started here runs inside `ip netns exec NS` for a namespace
# these scripts created (only lo, plus in pair mode one veth to the other test namespace), with
# allow-interfaces limited to those interfaces, IPv6 and wide-area off. Nothing is started in the
# host's network namespace; every start is checked and a daemon found in the host namespace is
# killed at once (by PID).

set -euo pipefail

TIDE_AVAHI_STATE_DIR="${TIDE_AVAHI_STATE_DIR:-/tmp/tide-avahi}"
TIDE_AVAHI_NS_PREFIX="${TIDE_AVAHI_NS_PREFIX:-tide-mdns}"
NS_A="${TIDE_AVAHI_NS_PREFIX}-a"
NS_B="${TIDE_AVAHI_NS_PREFIX}-b"
VETH_A="tide-va"
VETH_B="tide-vb"
ADDR_A="10.253.0.1/24"
ADDR_B="10.253.0.2/24"

log() { [ "${TIDE_AVAHI_QUIET:-0}" = 1 ] || echo "avahi-env: $*" >&2; }
die() { echo "avahi-env: error: $*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, mounts)"
}

host_netns() { readlink /proc/$$/ns/net; }

# --- packages --------------------------------------------------------------------------------
ensure_packages() {
  local packages=(avahi-daemon avahi-utils libavahi-client-dev dbus iproute2 pkg-config util-linux)
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local before created_policy=0
  before="$(pgrep -x avahi-daemon || true)"
  # Keep Debian's maintainer scripts from starting avahi-daemon in the host namespace.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  # Should an install have started a daemon anyway, it is in the host namespace: kill it now.
  local pid
  for pid in $(pgrep -x avahi-daemon || true); do
    if ! grep -qw "$pid" <<<"$before" && [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$(host_netns)" ]; then
      log "killing avahi-daemon $pid started by the package install in the host namespace"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ "$rc" -eq 0 ] || die "apt-get install failed"
}

# --- D-Bus -----------------------------------------------------------------------------------
system_bus_answers() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1
}

ensure_system_bus() {
  if system_bus_answers; then
    # Pick up avahi's bus policy should the package have been installed after the bus started.
    dbus-send --system --type=method_call --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.ReloadConfig >/dev/null 2>&1 || true
    return 0
  fi
  mkdir -p /run/dbus
  if [ -f /run/dbus/pid ] && ! kill -0 "$(cat /run/dbus/pid)" 2>/dev/null; then rm -f /run/dbus/pid; fi
  rm -f /run/dbus/system_bus_socket
  local pid
  pid="$(dbus-daemon --system --fork --print-pid)" || die "cannot start the system D-Bus"
  echo "$pid" > "$TIDE_AVAHI_STATE_DIR/system-bus.pid"
  log "started the system D-Bus (pid $pid)"
  local i
  for i in $(seq 50); do system_bus_answers && return 0; sleep 0.1; done
  die "system D-Bus does not answer"
}

# A private bus for namespace B's daemon (two daemons cannot both own org.freedesktop.Avahi on one bus).
write_private_bus_conf() {
  local dir="$1"
  cat > "$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus.socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
CONF
}

# --- namespaces ------------------------------------------------------------------------------
ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }

create_ns() {
  local ns="$1"
  ns_exists "$ns" && die "namespace $ns already exists (run scripts/avahi/stop first)"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  [ "$(ip netns exec "$ns" readlink /proc/self/ns/net)" != "$(host_netns)" ] || die "namespace $ns is the host namespace"
}

create_veth_pair() {
  ip -n "$NS_A" link add "$VETH_A" type veth peer name "$VETH_B" netns "$NS_B"
  ip -n "$NS_A" addr add "$ADDR_A" dev "$VETH_A"
  ip -n "$NS_B" addr add "$ADDR_B" dev "$VETH_B"
  ip -n "$NS_A" link set "$VETH_A" up
  ip -n "$NS_B" link set "$VETH_B" up
}

# Every interface of a test namespace must be one we allow there.
check_ns_interfaces() {
  local ns="$1"; shift
  local ifname allowed
  for ifname in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
    allowed=0
    for a in "$@"; do [ "$ifname" = "$a" ] && allowed=1; done
    [ "$allowed" = 1 ] || die "namespace $ns has unexpected interface $ifname"
  done
}

# --- avahi-daemon ----------------------------------------------------------------------------
write_avahi_conf() {
  local file="$1" host="$2" interfaces="$3"
  cat > "$file" <<CONF
# Tide test daemon: confined to its own network namespace (see docs/discovery.md).
[server]
host-name=$host
use-ipv4=yes
use-ipv6=no
allow-interfaces=$interfaces
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-domain=no
publish-aaaa-on-ipv4=no
publish-a-on-ipv6=no

[reflector]
enable-reflector=no

[rlimits]
CONF
}

# start_daemon NAME NS BUS_ADDRESS(or "") -> starts avahi-daemon in NS, writes NAME.pid
start_daemon() {
  local name="$1" ns="$2" bus="$3"
  local dir="$TIDE_AVAHI_STATE_DIR"
  local conf="$dir/avahi-$name.conf" logf="$dir/avahi-$name.log"
  [ -f "$conf" ] || die "no config $conf (run scripts/avahi/start)"
  ns_exists "$ns" || die "namespace $ns missing"
  [ "$(ip netns exec "$ns" readlink /proc/self/ns/net)" != "$(host_netns)" ] || die "refusing: $ns is the host namespace"
  [ -f "$logf" ] && mv -f "$logf" "$logf.prev"
  mkdir -p /run/avahi-daemon
  # `ip netns exec` gives the command its own mount namespace: a tmpfs on /run/avahi-daemon keeps
  # this daemon's pid file and socket apart from any other avahi-daemon on the machine.
  local envs=()
  [ -n "$bus" ] && envs=(env "DBUS_SYSTEM_BUS_ADDRESS=$bus")
  setsid ip netns exec "$ns" "${envs[@]}" sh -c \
    'mount -t tmpfs -o mode=0755 tmpfs /run/avahi-daemon && exec "$@"' sh \
    avahi-daemon -f "$conf" --no-chroot --no-rlimits --no-proc-title \
    </dev/null >"$logf" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/avahi-$name.pid"
  local i
  for i in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$logf" >&2; die "avahi-daemon $name exited"; fi
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = avahi-daemon ]; then
      # Read only once the process is avahi-daemon: before its exec it is still `ip`, which
      # runs in the host namespace until it enters NS (reading first gave false alarms).
      local netns; netns="$(readlink "/proc/$pid/ns/net" 2>/dev/null || true)"
      if [ "$netns" = "$(host_netns)" ] || [ "$netns" = "$(readlink /proc/1/ns/net)" ]; then
        kill -KILL "$pid"; die "avahi-daemon $name came up in the host namespace: killed"
      fi
      grep -q "Server startup complete" "$logf" 2>/dev/null && { log "avahi-daemon $name up in $ns (pid $pid)"; return 0; }
    fi
    sleep 0.1
  done
  cat "$logf" >&2
  die "avahi-daemon $name did not come up"
}

# Kill a process we recorded, by PID, if it is still the program we started.
kill_recorded() {
  local pidfile="$1" comm="$2"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "stopped $comm (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop_daemon() { kill_recorded "$TIDE_AVAHI_STATE_DIR/avahi-$1.pid" avahi-daemon; }

daemon_running() {
  local f="$TIDE_AVAHI_STATE_DIR/avahi-$1.pid"
  [ -f "$f" ] && [ "$(cat "/proc/$(cat "$f")/comm" 2>/dev/null)" = avahi-daemon ]
}

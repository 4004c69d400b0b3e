#!/usr/bin/env bash
# The unit as shipped, under a real systemd (PID 1 of a Debian container
# booted with systemd-nspawn; shared/notes/systemd-in-a-container.md says
# how on these machines). The container gets exactly what `make install`
# installs; the check then does what the README tells an operator and
# asserts what the operator would look at:
#   the unit is active and was never restarted; articles appear;
#   `systemctl reload` keeps the same main process; the watchdog is pinged;
#   `systemctl stop` ends with Result=success within 5 s.
# Needs root, debootstrap and systemd-nspawn (`make systemd-check` installs
# the last two). The Debian root is built once into .build-systemd/root.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$PWD/.build-systemd"
root="$work/root"
stage="$work/stage"
mkdir -p "$work"

fail() {
  echo "systemd-check: FAIL: $*"
  if [ -s "$work/boot.log" ]; then echo "--- the container's console, last lines:"; tail -25 "$work/boot.log"; fi
  exit 1
}

# Rebuilt when it lacks a library tidingsd links (an older root, before libpq).
if [ ! -x "$root/lib/systemd/systemd" ] || ! ls "$root"/usr/lib/*/libpq.so.5 >/dev/null 2>&1; then
  rm -rf "$root"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,libcurl4,libxml2,libsqlite3-0,libpq5,ca-certificates,procps \
    bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  # A quiet boot: no gettys, no timers.
  for unit in getty@tty1.service console-getty.service apt-daily.timer apt-daily-upgrade.timer \
              e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
fi

rm -rf "$stage"
make -s install DESTDIR="$stage" PREFIX=/usr/local >/dev/null

# nspawn wants a cgroup of its own when no host systemd hands it a scope.
group="tidings-check-$$"
for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
  if [ -d "$hierarchy" ]; then mkdir -p "$hierarchy/$group"; fi
done
nspawn_pid=""
cleanup() {
  if [ -n "$nspawn_pid" ]; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
    if [ -d "$hierarchy/$group" ]; then
      # Move ourselves back out before removing the group.
      echo $$ > "$hierarchy/cgroup.procs" 2>/dev/null || true
      rmdir "$hierarchy/$group" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

(
  for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
    if [ -d "$hierarchy/$group" ]; then echo $BASHPID > "$hierarchy/$group/cgroup.procs"; fi
  done
  exec systemd-nspawn -D "$root" --register=no --keep-unit --volatile=overlay --private-network \
    --console=read-only --bind-ro="$stage:/run/stage" --bind-ro="$PWD/Feeds:/run/feeds" -b
) >"$work/boot.log" 2>&1 &
nspawn_pid=$!

container=""
for _ in $(seq 1 100); do
  for child in $(pgrep -P "$nspawn_pid" 2>/dev/null); do
    if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then container=$child; fi
  done
  [ -n "$container" ] && break
  sleep 0.1
done
[ -n "$container" ] || { tail -20 "$work/boot.log"; fail "the container's systemd did not start"; }
inside() { nsenter -t "$container" -a "$@"; }
# The systemd process exists before its bus does; on a first boot it also
# presets every unit first. systemctl fails at once ("Failed to connect to
# bus") until /run/systemd/private is there, so wait for the socket, then
# for the boot to finish.
bus=""
for _ in $(seq 1 600); do
  if inside test -S /run/systemd/private 2>/dev/null; then bus=yes; break; fi
  kill -0 "$nspawn_pid" 2>/dev/null || fail "the container exited during boot"
  sleep 0.1
done
[ -n "$bus" ] || fail "the container's systemd opened no bus within 60 s"
state=$(timeout 120 nsenter -t "$container" -a systemctl is-system-running --wait 2>&1) || true
case "$state" in
  running|degraded) ;;
  *) fail "the container did not finish booting (is-system-running: '$state')";;
esac

# What the README tells an operator after `make install`.
inside cp -a /run/stage/usr/local/. /usr/local/
inside cp -a /run/stage/etc/tidings /etc/
inside systemd-sysusers
inside systemd-tmpfiles --create
inside systemctl daemon-reload
inside systemctl enable --now tidingsd >/dev/null 2>&1 || { inside journalctl -u tidingsd --no-pager | tail -20; fail "enable --now"; }
for sample in Feeds/samples/*; do
  inside runuser -u tidings -- tidings add "file:///run/feeds/samples/$(basename "$sample")" >/dev/null
done

show() { inside systemctl show -p "$1" --value tidingsd; }

articles=0
for _ in $(seq 1 100); do
  articles=$(inside sh -c 'find /var/lib/tidings/out/articles -name "*.json" 2>/dev/null | wc -l')
  [ "$articles" -gt 0 ] && break
  sleep 0.1
done
[ "$articles" -gt 0 ] || { inside journalctl -u tidingsd --no-pager | tail -20; fail "no article appeared"; }
sleep 2
[ "$(show ActiveState)" = active ] || fail "the unit is $(show ActiveState)"
[ "$(show NRestarts)" = 0 ] || fail "the unit restarted $(show NRestarts) times"
status=$(show StatusText)
case "$status" in *feeds*articles*) ;; *) fail "no STATUS= line from the daemon (got '$status')";; esac

pid_before=$(show MainPID)
inside systemctl reload tidingsd || fail "systemctl reload"
sleep 1
pid_after=$(show MainPID)
[ "$pid_before" = "$pid_after" ] && [ "$pid_after" != 0 ] || fail "reload changed the main process ($pid_before -> $pid_after)"
[ "$(show ActiveState)" = active ] || fail "not active after reload"

# The watchdog: as shipped the daemon pings every 60 s (half of
# WatchdogSec=120). A drop-in shortens it to 4 s so that pings can be seen
# in a few seconds, and a daemon that failed to ping would be killed.
inside mkdir -p /etc/systemd/system/tidingsd.service.d
inside sh -c 'printf "[Service]\nWatchdogSec=4s\n" > /etc/systemd/system/tidingsd.service.d/watchdog.conf'
inside systemctl daemon-reload
inside systemctl restart tidingsd
sleep 1
ping1=$(show WatchdogTimestampMonotonic)
sleep 6
ping2=$(show WatchdogTimestampMonotonic)
[ "${ping1:-0}" != 0 ] && [ "${ping2:-0}" -gt "${ping1:-0}" ] || fail "the watchdog was not pinged ($ping1 -> $ping2)"
[ "$(show ActiveState)" = active ] && [ "$(show NRestarts)" = 0 ] || fail "the watchdog killed the daemon"

start=$(date +%s.%N)
inside systemctl stop tidingsd
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
result=$(show Result)
[ "$result" = success ] || { inside journalctl -u tidingsd --no-pager | tail -20; fail "stop ended with Result=$result"; }
awk -v t="$took" 'BEGIN { exit !(t < 5) }' || fail "stop took $took s"
journal=$(inside journalctl -u tidingsd --no-pager -o cat)
if echo "$journal" | grep -q "status=31/SYS"; then fail "killed by the system call filter"; fi

echo "systemd-check: active, 0 restarts, $articles articles, status '$status', reload kept pid $pid_after, watchdog pinged, stop in $took s with Result=success"

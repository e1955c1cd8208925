#!/usr/bin/env bash
# Starts a Runbook Pilot command on its own virtual display (Xvfb), waits until the "Runbook Pilot" window is
# viewable, prints the time from start to that moment, then stops the app (SIGTERM, as a logout would).
#
#   installer/first-window.sh [--classlist FILE] [--timeout SECONDS] -- COMMAND [ARG...]
#
#   --classlist FILE   record the classes the JVM loads (-XX:DumpLoadedClassList) for the CDS archive
#   --timeout SECONDS  give up after this long (default 90); exit 1
#
# Prints "first window after S.SS s" on success. Needs Xvfb and xwininfo.
set -euo pipefail

classlist=
timeout=90
while [ $# -gt 0 ]; do
    case "$1" in
        --classlist) classlist=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "first-window.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "first-window.sh: no command given" >&2; exit 2; }

work=$(mktemp -d)
xvfb_pid=
app_pid=
cleanup() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill -TERM "$app_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$app_pid" 2>/dev/null || true
    fi
    if [ -n "$xvfb_pid" ]; then kill -TERM "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Xvfb picks a free display itself and writes its number to fd 3: no clash with a display already in use.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.05; done
[ -s "$work/display" ] || { cat "$work/xvfb.log" >&2; echo "first-window.sh: Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(cat "$work/display")"

if [ -n "$classlist" ]; then export JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$classlist"; fi
start=$(date +%s%N)
"$@" > "$work/app.log" 2>&1 &
app_pid=$!

deadline=$(( start + timeout * 1000000000 ))
while :; do
    if ! kill -0 "$app_pid" 2>/dev/null; then
        cat "$work/app.log" >&2
        echo "first-window.sh: the app exited before showing its window" >&2
        exit 1
    fi
    id=$(xwininfo -root -tree 2>/dev/null | awk '/"Runbook Pilot"/ {print $1; exit}')
    if [ -n "$id" ] && xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable'; then
        now=$(date +%s%N)
        break
    fi
    if [ "$(date +%s%N)" -gt "$deadline" ]; then
        cat "$work/app.log" >&2
        echo "first-window.sh: no window within ${timeout}s" >&2
        exit 1
    fi
    sleep 0.05
done
elapsed_ms=$(( (now - start) / 1000000 ))
printf 'first window after %d.%02d s\n' $(( elapsed_ms / 1000 )) $(( elapsed_ms % 1000 / 10 ))
# The start screen reads the sessions and samples in the background once the window is up: let those classes be
# recorded too.
if [ -n "$classlist" ]; then sleep 3; fi

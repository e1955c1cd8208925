#!/usr/bin/env bash
# Installs the .deb that installer/build.sh built, on this machine, and uses it as a DBA would, with no JDK or
# Maven in reach (PATH=/usr/bin:/bin, no JAVA_HOME): the command on the PATH, --version, validate of an installed
# sample, a headless run of a sample on the embedded demo database, the wizard's window on a virtual display; then
# removes the package and checks that nothing of it is left under /opt or on the PATH.
# Runs as root (dpkg). Called by .ci/run after 'mvn -B verify'; prints 'installer: N passed, 0 failed' at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=runbook-pilot
APP_DIR=/opt/$NAME
PACKAGES=$ROOT/target/installer/packages
passed=0

say() { printf '[installer test] %s\n' "$*"; }
ok() { passed=$((passed + 1)); say "ok: $*"; }
fail() { printf '[installer test] FAILED: %s\n' "$*" >&2; printf 'installer: %d passed, 1 failed\n' "$passed"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: the test installs the package with dpkg"
shopt -s nullglob
debs=("$PACKAGES"/*.deb)
[ ${#debs[@]} = 1 ] || fail "expected one .deb in $PACKAGES (run installer/build.sh first), found ${#debs[@]}"
DEB=${debs[0]}
size_mb=$(du -m "$DEB" | cut -f1)
say "$(basename "$DEB"): $size_mb MB"
[ "$size_mb" -le 90 ] || fail "the package is $size_mb MB, more than the 90 MB target"
ok "package size $size_mb MB <= 90 MB"

# Installed, not merely known to dpkg (a removed package stays known, in state config-files).
installed_now() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$NAME" 2>/dev/null)" = installed ]; }
if installed_now; then
    say "removing an installed $NAME first"
    dpkg -r "$NAME" >/dev/null
fi
# dpkg -i does not fetch dependencies: install what the package declares (xdg-utils, the X11 and font
# libraries JavaFX loads) the way apt would, then the package itself with dpkg.
deps=$(dpkg-deb -f "$DEB" Depends | sed -e 's/([^)]*)//g' -e 's/,/ /g')
missing=()
for d in $deps; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing the package's dependencies: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
installed=
cleanup() {
    if [ -n "$installed" ] && installed_now; then dpkg -r "$NAME" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

dpkg -i "$DEB" > "$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log" >&2; fail "dpkg -i"; }
installed=yes
grep -q 'no class-data-sharing archive' "$work/dpkg-i.log" && { cat "$work/dpkg-i.log" >&2; fail "the CDS archive was not dumped"; }
ok "dpkg -i $(basename "$DEB")"

# Every command below runs as a user's shell would after installing: no JDK, no Maven, a fresh home.
mkdir -p "$work/home"
user() {
    env -i PATH=/usr/bin:/bin HOME="$work/home" RUNBOOK_PILOT_HOME="$work/home/.runbook-pilot" LANG=C.UTF-8 "$@"
}

[ "$(user sh -c 'command -v runbook-pilot')" = /usr/bin/runbook-pilot ] || fail "runbook-pilot is not on the PATH"
[ "$(readlink /usr/bin/runbook-pilot)" = "$APP_DIR/bin/$NAME" ] || fail "/usr/bin/runbook-pilot is not the launcher"
ok "runbook-pilot on the PATH"

version=$(user runbook-pilot --version)
case "$version" in
    "Runbook Pilot "[0-9]*) ok "--version: $version" ;;
    *) fail "--version printed '$version'" ;;
esac

user runbook-pilot validate "$APP_DIR"/lib/app/runbooks/*/runbook.yaml > "$work/validate.log" 2>&1 \
    || { cat "$work/validate.log" >&2; fail "validate of the installed samples"; }
ok "validate of the installed samples"

# The launcher runs the bundled runtime (whatever java the machine has), and its classes come from the archive
# dumped at installation, or the app starts as slowly as java -jar.
user env JAVA_TOOL_OPTIONS="-Xlog:class+path=info -Xlog:class+load=info" runbook-pilot --version \
    > "$work/class-load.log" 2>&1
grep -q "bootstrap loader class path=$APP_DIR/lib/runtime/lib/modules" "$work/class-load.log" \
    || { grep -m3 'class,path' "$work/class-load.log" >&2; fail "the launcher does not run the bundled runtime"; }
ok "the launcher runs the bundled runtime"
grep -q 'dev.runbookpilot.cli.Main source: shared objects file' "$work/class-load.log" \
    || { grep -m3 'dev.runbookpilot' "$work/class-load.log" >&2; fail "the app's classes are not loaded from the CDS archive"; }
ok "classes load from the CDS archive"

# The modules reached only by name (extra-modules.txt) are in the runtime: jdeps cannot see their absence.
modules=$("$APP_DIR/lib/runtime/bin/java" --list-modules)
for m in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ROOT/installer/extra-modules.txt"); do
    grep -q "^$m@" <<< "$modules" || fail "the runtime lacks $m"
done
ok "runtime has the modules jdeps cannot find"

# Hints name the command as typed: the installed launcher, not java -jar.
if user runbook-pilot gui > "$work/gui-nodisplay.log" 2>&1; then fail "gui without a display succeeded"; fi
grep -q "Use 'runbook-pilot run'" "$work/gui-nodisplay.log" \
    || { cat "$work/gui-nodisplay.log" >&2; fail "the no-display hint does not name runbook-pilot"; }
ok "messages name the command runbook-pilot"
# ... and the jar, run with java -jar, names itself that way.
(cd "$ROOT" && env -u DISPLAY -u WAYLAND_DISPLAY java -jar target/runbook-pilot.jar gui) > "$work/gui-jar.log" 2>&1 \
    && fail "gui without a display succeeded"
grep -q "Use 'java -jar target/runbook-pilot.jar run'" "$work/gui-jar.log" \
    || { cat "$work/gui-jar.log" >&2; fail "the no-display hint of the jar does not name java -jar"; }
ok "messages of the jar name java -jar target/runbook-pilot.jar"

# A whole headless window on the embedded demo database: the bundled runtime unpacks and starts PostgreSQL.
sample=$APP_DIR/lib/app/runbooks/schema-alignment/runbook.yaml
if ! user runbook-pilot run "$sample" --demo --yes --operator "CI" \
        --confirm quiet --confirm "backup=ci" --confirm "app-smoke=ci" \
        --sign "DBA=CI" --sign "Backend lead=CI" --report "$work/window.md" > "$work/run.log" 2>&1; then
    cat "$work/run.log" >&2
    fail "run --demo --yes of schema-alignment"
fi
grep -q "Verdict: PASSED$" "$work/run.log" || { tail -n 15 "$work/run.log" >&2; fail "the demo run did not end PASSED"; }
[ -s "$work/window.md" ] || fail "the demo run wrote no report"
ok "run --demo --yes of schema-alignment: PASSED"

# The wizard, as the desktop entry starts it, on a virtual display.
desktop=/usr/share/applications/$NAME.desktop
icon=/usr/share/icons/hicolor/256x256/apps/$(sed -n 's/^Icon=//p' "$desktop").png
grep -qx "Exec=$APP_DIR/bin/$NAME gui %f" "$desktop" || fail "the desktop entry does not start 'gui %f': $(grep ^Exec= "$desktop")"
grep -qx 'Categories=Development;Database;' "$desktop" || fail "the desktop entry's categories: $(grep ^Categories= "$desktop")"
[ -f "$icon" ] || fail "the desktop entry's icon $icon does not exist"
ok "desktop entry $desktop with its icon"
window=$(user "$ROOT/installer/first-window.sh" -- runbook-pilot gui "$sample") \
    || fail "the wizard did not open a window"
ok "wizard window with a runbook from the command line: $window"

dpkg -r "$NAME" > "$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log" >&2; fail "dpkg -r"; }
installed=
[ ! -e "$APP_DIR" ] || { find "$APP_DIR" | head -n 20 >&2; fail "dpkg -r left files under $APP_DIR"; }
[ ! -e /usr/bin/runbook-pilot ] && [ ! -L /usr/bin/runbook-pilot ] || fail "dpkg -r left /usr/bin/runbook-pilot"
[ ! -e "$desktop" ] && [ ! -e "$icon" ] || fail "dpkg -r left the desktop entry or its icon"
ok "dpkg -r leaves nothing under /opt, on the PATH or in the menu"

printf 'installer: %d passed, 0 failed\n' "$passed"

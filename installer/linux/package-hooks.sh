#!/bin/sh
# What the Runbook Pilot packages do beyond copying files, shared by the .deb (postinst/prerm) and the .rpm
# (%post/%preun). Installed as lib/app/package-hooks.sh of the application directory.
#   package-hooks.sh install   after the files are in place
#   package-hooks.sh remove    before they are removed (dpkg and rpm then find no file of ours left behind)
#   package-hooks.sh archive   only (re)dump the class-data-sharing archive, where the app image lies now: what
#                              bench/bench.py --launcher does to an app image in target/, the same way as at install
set -e

app_dir=$(cd "$(dirname "$0")/../.." && pwd)
launcher=$app_dir/bin/runbook-pilot
link=/usr/bin/runbook-pilot
archive=$app_dir/lib/app/runbook-pilot.jsa
# The menu entry and its icon go where every desktop looks, as a distribution's own package puts them. jpackage's
# way (xdg-desktop-menu) fails the installation on a machine without a desktop's menu directories, a server or a
# container a DBA reaches through X forwarding.
desktop=/usr/share/applications/runbook-pilot.desktop
icon=/usr/share/icons/hicolor/256x256/apps/runbook-pilot.png

refresh_menus() {
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q /usr/share/applications || true; fi
    if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
}

# The class-data-sharing archive is dumped after the files are in place, not at build time: Java 17 maps an archive
# only on the class path it was dumped with, and that path is known once the files are installed. The launcher's
# class path is its .cfg's app.classpath lines, in order, with $APPDIR expanded; the classes are those the app loaded
# in the commands recorded when the package was built (installer/build.sh). Without the archive the app still runs,
# only slower to start, so a failed dump warns and fails nothing but this function.
dump_archive() {
    cp=$(sed -n 's|^app\.classpath=\$APPDIR|'"$app_dir"'/lib/app|p' "$app_dir/lib/app/runbook-pilot.cfg" \
        | paste -sd: -)
    log=$(mktemp)
    if "$app_dir/lib/runtime/bin/java" -Xshare:dump \
            -XX:SharedClassListFile="$app_dir/lib/app/runbook-pilot.classlist" \
            -XX:SharedArchiveFile="$archive" -cp "$cp" >"$log" 2>&1; then
        rm -f "$log"
    else
        rm -f "$archive"
        echo "runbook-pilot: no class-data-sharing archive, the app starts more slowly; the JVM said:" >&2
        tail -n 5 "$log" >&2
        rm -f "$log"
        return 1
    fi
}

case "$1" in
    install)
        # jpackage puts nothing on the PATH: the command DBAs type is this link. A runbook-pilot there that is not
        # a link (installed by hand, or by another package) is left alone and said so, never overwritten.
        if [ -L "$link" ] || [ ! -e "$link" ]; then
            ln -sfn "$launcher" "$link"
        else
            echo "runbook-pilot: $link exists and is not ours; start $launcher instead" >&2
        fi
        install -D -m 644 "$app_dir/lib/app/runbook-pilot.desktop" "$desktop"
        install -D -m 644 "$app_dir/lib/app/runbook-pilot.png" "$icon"
        refresh_menus
        dump_archive || true
        ;;
    archive)
        dump_archive
        ;;
    remove)
        # None of these files is in the package's file list, so the package manager would leave them behind.
        if [ "$(readlink "$link" 2>/dev/null)" = "$launcher" ]; then
            rm -f "$link"
        fi
        rm -f "$archive" "$desktop" "$icon"
        refresh_menus
        ;;
    *)
        echo "usage: $0 install|remove|archive" >&2
        exit 2
        ;;
esac

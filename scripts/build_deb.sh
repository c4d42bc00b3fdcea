#!/usr/bin/env bash
# Build the .deb for 信创 Linux (UOS, Kylin) and Debian from the one-folder build:
#   scripts/build_deb.sh [FOLDER]        (default dist/zongzhi, built first with build.spec if missing)
# -> dist/zongzhi-desktop_<version>_<arch>.deb, which installs
#   /opt/zongzhi-desktop/                 the program folder
#   /usr/bin/zongzhi                      -> /opt/zongzhi-desktop/zongzhi (the command)
#   /usr/share/applications/zongzhi-desktop.desktop and the icon (the menu entry)
# Depends: the system libraries the folder links to but does not carry (found with dpkg -S on this
# machine), and libc6 >= the highest GLIBC version any file needs (scripts/elf_deps.py).
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDER="${1:-dist/zongzhi}"
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
if [ ! -x "$FOLDER/zongzhi" ]; then
    .venv/bin/pyinstaller build.spec --noconfirm --log-level WARN
fi
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
ARCH="$(dpkg --print-architecture)"
STAGE="build/deb/zongzhi-desktop_${VERSION}_${ARCH}"
OUT="dist/zongzhi-desktop_${VERSION}_${ARCH}.deb"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$FOLDER" "$STAGE/opt/zongzhi-desktop"
ln -s /opt/zongzhi-desktop/zongzhi "$STAGE/usr/bin/zongzhi"
install -m 0644 packaging/linux/zongzhi-desktop.desktop "$STAGE/usr/share/applications/"
install -m 0644 zongzhi_desktop/assets/icons/zongzhi.png "$STAGE/usr/share/icons/hicolor/256x256/apps/zongzhi-desktop.png"
install -m 0644 zongzhi_desktop/assets/icons/zongzhi.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/zongzhi-desktop.svg"

DEPENDS="$("$PY" scripts/deb_depends.py "$FOLDER")"
SIZE_KB="$(du -sk "$STAGE" | cut -f1)"
cat >"$STAGE/DEBIAN/control" <<CONTROL
Package: zongzhi-desktop
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: 综治桌面项目组 <zongzhi@localhost>
Installed-Size: ${SIZE_KB}
Depends: ${DEPENDS}
Section: misc
Priority: optional
Description: 综治桌面 — township comprehensive-governance centre desktop app
 Offline-first desktop application for township comprehensive-governance
 centres (乡镇综治中心): petitions, disputes, leader case-packages, volunteers,
 weekly/monthly/quarterly sheets, signed and encrypted bundles for the county.
 Installs to /opt/zongzhi-desktop with a menu entry and the zongzhi command.
 Data stays in each user's own data folder (~/.local/share/zongzhi-desktop) and is
 kept when the package is removed.
CONTROL
# Refresh the menu and icon caches where the desktop has them (both tools are optional on a system).
cat >"$STAGE/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor; fi
exit 0
SCRIPT
cp "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz -z3 --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"

# Shared set-up steps for ./run.sh and ./test.sh (sourced, not run). Idempotent and quick when
# everything is already in place: system packages are only installed when missing, and pip only
# runs when pyproject.toml changed since the last install.

# Debian packages the app needs: Qt's OpenGL/EGL/font/D-Bus/GLib/CUPS (printing) libraries, the xcb libraries of
# Qt's on-screen platform plugin, a CJK font, and the tools tests use to read PDFs and SQLite files.
ZONGZHI_RUNTIME_PKGS=(
    libgl1 libegl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6
    libdbus-1-3 libglib2.0-0 libcups2 fonts-wqy-microhei
    libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
    libxcb-sync1 libxcb-shm0 libxrender1 libxi6 libsm6 libice6
)
# icu-devtools: icupkg, which the Linux build uses to slim Qt's ICU data (scripts/trim_icu.py).
ZONGZHI_TEST_PKGS=(poppler-utils sqlite3 icu-devtools)

zz_log() { printf '[zongzhi] %s\n' "$*" >&2; }

# Install the Debian packages given as arguments that are not installed yet (root only).
zz_ensure_debs() {
    local missing=() pkg
    command -v dpkg-query >/dev/null 2>&1 || { zz_log "不是 Debian/Ubuntu 系统，跳过系统软件包检查"; return 0; }
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        zz_log "缺少系统软件包（需 root 安装）：${missing[*]}"
        zz_log "请运行：sudo apt-get install -y ${missing[*]}"
        return 0
    fi
    zz_log "安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Pick a Python >= 3.11 that can create virtual environments.
zz_python() {
    local py="${PYTHON:-}"
    if [ -z "$py" ]; then
        for cand in python3.11 python3.12 python3.13 python3; do
            if command -v "$cand" >/dev/null 2>&1 &&
                "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                py="$cand"; break
            fi
        done
    fi
    if [ -z "$py" ]; then
        zz_log "需要 Python 3.11 或更新版本（可设置环境变量 PYTHON 指定）"; return 1
    fi
    if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        zz_ensure_debs python3-venv
    fi
    printf '%s' "$py"
}

# Create .venv and install the package with its dev and hub extras when pyproject.toml changed.
zz_ensure_venv() {
    local py stamp want
    if [ ! -x .venv/bin/python ]; then
        py="$(zz_python)" || return 1
        zz_log "创建虚拟环境 .venv（$("$py" --version)）"
        "$py" -m venv .venv
    fi
    want="$(sha256sum pyproject.toml | cut -c1-16)"
    stamp=.venv/.zongzhi-installed
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import zongzhi_desktop' 2>/dev/null; then
        zz_log "安装依赖（pip install -e .[dev,hub]）"
        .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,hub]"
        printf '%s' "$want" >"$stamp"
    fi
}

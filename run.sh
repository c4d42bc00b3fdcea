#!/usr/bin/env bash
# Set up (first time) and start 综治桌面: ./run.sh [zongzhi arguments…]
#
# Without a command (./run.sh, ./run.sh --data-dir DIR) it opens the window; an empty store first
# gets a demo township (ZONGZHI_DEMO_RECORDS records, default 2000; 0 = no demo, the window's
# setup wizard starts instead). With a command (./run.sh init …, ./run.sh due) the arguments go
# to `zongzhi` unchanged and nothing else happens: that is how a real township is set up.
# Data lives in --data-dir DIR, else $ZONGZHI_HOME, else the user data folder (see README).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/bootstrap.sh
zz_ensure_debs "${ZONGZHI_RUNTIME_PKGS[@]}"
zz_ensure_venv
# Opening the window on a store without a township (never initialized) and with the demo wanted?
if [ "${ZONGZHI_DEMO_RECORDS:-2000}" != "0" ] && ! .venv/bin/python - "$@" <<'PY'
import sqlite3, sys
from zongzhi_desktop.cli import command_given, hoist_global_options
from zongzhi_desktop.paths import store_path
argv = hoist_global_options(sys.argv[1:])
if command_given(argv) or any(a in ("-h", "--help", "--version") for a in argv):
    sys.exit(0)  # a command: run it as given
data_dir = None
for i, token in enumerate(argv):
    if token == "--data-dir" and i + 1 < len(argv):
        data_dir = argv[i + 1]
    elif token.startswith("--data-dir="):
        data_dir = token.split("=", 1)[1]
if (store_path(data_dir).parent / "county.sqlite3").exists():
    sys.exit(0)  # a county's data folder: the window opens it in county mode
from zongzhi_desktop.services.unlock import store_state
if store_state(store_path(data_dir)) in ("encrypted", "keyless"):
    sys.exit(0)  # an encrypted store is set up (its sign-in opens it); a damaged one gets the restore dialog
try:
    con = sqlite3.connect(f"file:{store_path(data_dir)}?mode=ro", uri=True)
    ok = con.execute("SELECT 1 FROM setting WHERE key = 'township_code'").fetchone()
except sqlite3.Error:
    ok = None
sys.exit(0 if ok else 1)
PY
then
    zz_log "数据库为空，先生成演示乡镇数据（zongzhi demo；正式使用请运行 ./run.sh init …，见 README“第一次使用”）"
    .venv/bin/zongzhi "$@" demo --records "${ZONGZHI_DEMO_RECORDS:-2000}"
fi
exec .venv/bin/zongzhi "$@"

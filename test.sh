#!/usr/bin/env bash
# Set up (first time) and run the whole test suite headless: ./test.sh [pytest args…]
set -euo pipefail
cd "$(dirname "$0")"
. scripts/bootstrap.sh
zz_ensure_debs "${ZONGZHI_RUNTIME_PKGS[@]}" "${ZONGZHI_TEST_PKGS[@]}"
zz_ensure_venv
export QT_QPA_PLATFORM=offscreen
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    zz_log "pytest 没有收集到任何测试，视为失败"
    exit 1
fi
exit "$rc"

"""PDF renders from several threads at once (the 报表 preview renders on the runner's threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.render_pdf import render_pdf
from zongzhi_desktop.services import Services


def test_concurrent_renders_give_the_same_bytes_as_one(gen_svc: Services) -> None:
    """reportlab shares each font between documents (with one read cursor): renders at the same
    time must not subset a font from another render's offsets."""
    reports = [rs.build_report(gen_svc, kind, code)
               for kind, code in (("quarterly", "2026-Q4"), ("monthly", "2026-11"), ("weekly", "2026-W47"))]
    alone = [render_pdf(r) for r in reports]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(render_pdf, reports * 3))
    assert together == alone * 3

"""A small bar chart of new vs resolved records per week, painted with QPainter (no QtCharts).

Each bar is clickable: `bar_clicked` carries the Figure (count + list query) behind it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from ..services.dashboard import Figure, WeekBin

NEW_COLOR = QColor("#3b7dd8")
RESOLVED_COLOR = QColor("#34a56f")
AXIS_COLOR = QColor("#8a94a6")


class WeeklyChart(QWidget):
    """Grouped bars: for each week, new (blue) and resolved (green)."""

    bar_clicked = Signal(object)  # Figure

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekly_chart")
        self.bins: list[WeekBin] = []
        self.setMouseTracking(True)
        self.setMinimumSize(360, 200)

    def sizeHint(self) -> QSize:
        return QSize(520, 240)

    def set_bins(self, bins: list[WeekBin]) -> None:
        self.bins = bins
        self.update()

    def bar_rects(self) -> list[tuple[QRectF, Figure, str]]:
        """(clickable rectangle, figure, series) of every bar at the current size."""
        return [(hit, fig, series) for _bar, hit, fig, series in self._layout(self.fontMetrics())]

    def _plot_rect(self, fm: QFontMetrics) -> QRectF:
        left, right, top, bottom = fm.horizontalAdvance("0000") + 10, 8, fm.height() + 10, fm.height() + 10
        return QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))

    def _scale(self) -> float:
        top_value = max([1] + [max(b.new.count, b.resolved.count) for b in self.bins])
        return _nice_ceiling(top_value)

    def _layout(self, fm: QFontMetrics) -> list[tuple[QRectF, QRectF, Figure, str]]:
        """(bar, clickable area reaching the axis, figure, series) for every bar."""
        if not self.bins:
            return []
        plot = self._plot_rect(fm)
        scale = self._scale()
        group = plot.width() / len(self.bins)
        bar_w = max(2.0, group * 0.34)
        out = []
        for i, b in enumerate(self.bins):
            gx = plot.left() + i * group + (group - 2 * bar_w) / 2
            for j, (fig, series) in enumerate(((b.new, "new"), (b.resolved, "resolved"))):
                bh = plot.height() * fig.count / scale
                bar = QRectF(gx + j * bar_w, plot.bottom() - bh, bar_w - 1, bh)
                out.append((bar, QRectF(bar.left(), plot.top(), bar.width(), plot.height()), fig, series))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        plot = self._plot_rect(fm)
        left = plot.left()
        # Legend
        x = left
        for color, text in ((NEW_COLOR, self.tr("新增")), (RESOLVED_COLOR, self.tr("办结/化解"))):
            p.fillRect(QRectF(x, 4, 10, 10), color)
            p.setPen(QColor("#333"))
            p.drawText(QPointF(x + 14, 4 + fm.ascent() - 2), text)
            x += 14 + fm.horizontalAdvance(text) + 16
        if not self.bins:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.tr("暂无数据"))
            p.end()
            return
        scale = self._scale()
        p.setPen(QPen(AXIS_COLOR, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        for i in range(0, 5):
            value = scale * i / 4
            y = plot.bottom() - plot.height() * i / 4
            p.setPen(QPen(QColor("#e3e7ee"), 1))
            if i:
                p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(AXIS_COLOR)
            label = f"{value:g}"
            p.drawText(QPointF(left - 6 - fm.horizontalAdvance(label), y + fm.ascent() / 2 - 1), label)
        for bar, _hit, _fig, series in self._layout(fm):
            p.fillRect(bar, NEW_COLOR if series == "new" else RESOLVED_COLOR)
        group = plot.width() / len(self.bins)
        # Label every step-th week so labels never touch (12 weeks fit one label in two at ~420 px).
        step = max(1, math.ceil(len(self.bins) * (fm.horizontalAdvance("00-00") + 14) / max(1.0, plot.width())))
        p.setPen(AXIS_COLOR)
        for i, b in enumerate(self.bins):
            if i % step == 0:
                text = f"{b.start:%m-%d}"
                cx = plot.left() + i * group + group / 2
                p.drawText(QPointF(cx - fm.horizontalAdvance(text) / 2, plot.bottom() + fm.ascent() + 3), text)
        p.end()

    def _hit(self, pos: QPointF) -> tuple[Figure, str] | None:
        for _bar, area, fig, series in self._layout(self.fontMetrics()):
            if area.contains(pos):
                return fig, series
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        if hit is None:
            QToolTip.hideText()
            self.unsetCursor()
            return
        fig, series = hit
        what = self.tr("新增") if series == "new" else self.tr("办结/化解")
        q = fig.query
        QToolTip.showText(event.globalPosition().toPoint(), self.tr("{start} 至 {end}  {what} {n} 件（点击查看）").format(
            start=q.date_from, end=q.date_to, what=what, n=fig.count), self)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bar_clicked.emit(hit[0])


def _nice_ceiling(value: float) -> float:
    """The next 'round' number ≥ value (1, 2, 5 × 10^n), so grid labels are readable."""
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for m in (1, 2, 4, 5, 10):
        if m * magnitude >= value:
            return m * magnitude
    return 10 * magnitude

"""Table model over a `ListQuery`: it holds the row count and a small cache of pages, nothing else.

Every sort, filter and search is SQL (services/listing.py); the view asks only for the rows it
paints, so a million-row list costs a count and one page query.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from ..services.listing import PAGE_SIZE, Lister, ListQuery, ListRow, ListSpec, list_spec

OVERDUE_BG = QColor("#fde2e1")
DUE_SOON_BG = QColor("#fff4d6")
MAX_PAGES = 40  # pages kept in memory (4,000 rows)

Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    """Rows of one record kind for a QTableView; `query_changed` fires after every reset."""

    query_changed = Signal()

    def __init__(self, lister: Lister, query: ListQuery, parent: Any = None, *, runner: Any = None) -> None:
        super().__init__(parent)
        self.lister = lister
        self.runner = runner  # with a runner, pages of a kind with `slow_pages` are read off the GUI thread
        self._query = query
        self.spec: ListSpec = list_spec(query.kind)
        self._count = lister.count(query)
        self._pages: OrderedDict[int, list[ListRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._reset_generation = 0
        self.page_loads = 0  # pages fetched from SQL (tests and the benchmark read it)

    # -- state ----------------------------------------------------------------------------------
    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        """Show another query (filters, search or sort changed)."""
        self.beginResetModel()
        self._query = query
        self.spec = list_spec(query.kind)
        self._pages.clear()
        self._pending.clear()
        self._reset_generation += 1
        self._count = self.lister.count(query)
        self.endResetModel()
        self.query_changed.emit()

    def refresh(self) -> None:
        """Re-read after records changed."""
        self.lister.invalidate()
        self.set_query(self._query)

    def row(self, r: int) -> ListRow | None:
        if r < 0 or r >= self._count:
            return None
        page_no = r // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page = self.lister.page(self._query, page_no * PAGE_SIZE, PAGE_SIZE)
            self.page_loads += 1
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        i = r - page_no * PAGE_SIZE
        return page[i] if i < len(page) else None

    def _shown_row(self, r: int) -> ListRow | None:
        """The row to paint: like `row`, except that a page of a `slow_pages` kind not read yet is read
        on the runner (the cells stay empty until it arrives, then repaint)."""
        if self.runner is None or not self.spec.slow_pages or not 0 <= r < self._count:
            return self.row(r)
        page_no = r // PAGE_SIZE
        if page_no in self._pages:
            return self.row(r)
        if page_no not in self._pending:
            self._pending.add(page_no)
            query, generation, lister = self._query, self._reset_generation, self.lister

            def done(rows: list[ListRow]) -> None:
                if generation != self._reset_generation:
                    return  # the list shows another query now
                self._pending.discard(page_no)
                self._pages[page_no] = rows
                self.page_loads += 1
                first, last = page_no * PAGE_SIZE, min(self._count, (page_no + 1) * PAGE_SIZE) - 1
                self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

            op = self.runner.run(QCoreApplication.translate("RecordTableModel", "读取列表"),
                                 lambda _p: lister.page(query, page_no * PAGE_SIZE, PAGE_SIZE), on_done=done,
                                 show_progress=False, housekeeping=True)
            op.failed.connect(lambda _e: self._pending.discard(page_no))
        return None

    def record_id(self, r: int) -> str | None:
        row = self.row(r)
        return row.id if row else None

    def sort_column(self) -> int:
        key = self._query.sort or self.spec.default_sort
        for i, c in enumerate(self.spec.columns):
            if c.key == key:
                return i
        return -1

    def sort_descending(self) -> bool:
        return self.spec.default_desc if self._query.descending is None else self._query.descending

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self.spec.columns) and bool(self.spec.columns[column].sort)

    # -- Qt model interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spec.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self._shown_row(index.row())
            return row.cells[index.column()] if row else None
        if role == Qt.ItemDataRole.BackgroundRole:
            row = self._shown_row(index.row())
            if row and row.deadline_state == -1:
                return QBrush(OVERDUE_BG)
            if row and row.deadline_state == 1:
                return QBrush(DUE_SOON_BG)
            return None
        if role == Qt.ItemDataRole.UserRole:
            row = self.row(index.row())
            return row.id if row else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.spec.columns):
            return None
        col = self.spec.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("listing", col.label)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.sort:
                return QCoreApplication.translate("RecordTableModel", "点击按此列排序")
            return QCoreApplication.translate("RecordTableModel", "此列不能排序")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """SQL ORDER BY on the column's index; columns without an index are not sortable."""
        if not self.is_sortable(column):
            return
        key = self.spec.columns[column].key
        self.set_query(self._query.with_sort(key, order == Qt.SortOrder.DescendingOrder))

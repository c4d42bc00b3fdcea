"""Search tables and list indexes for the record lists (SQLite only).

Per record kind two objects (issue 17):

* `<table>_fts`, a plain table holding the search text of each base row in three columns: `name`
  (people's names), `ident` (ID numbers and phone numbers) and `content` (titles, requests,
  descriptions). Its `id` (= rowid) is the base row's rowid. Triggers on the base table (and, for
  disputes, on the party table whose names and numbers belong to the dispute; for packages, on
  the leader table) keep it in step — every writer, including raw SQL, goes through them.
* `<table>_grams`, a contentless FTS5 index (detail=none: row ids only, no positions) of the
  3-character substring starting at every position of that text (the last two positions give the
  final 2 and 1 characters), with FTS5 prefix indexes of their first 1 and 2 characters. Every
  substring of 1-3 characters starts some token, so a term of 1-2 characters is one prefix-index
  lookup and a term of 3 one token lookup; a longer term is the AND of its 3-character substrings,
  confirmed by `instr` on the candidates' text. Triggers on `<table>_fts` feed it in plain SQL (no
  application function: a raw sqlite3 connection fires them too): `substr` over the position
  table `search_seq`, handed to the `ascii` tokenizer as one string separated by char(31).
  Matching folds ASCII case only (as `lower()` does).

Why this design and not FTS5 trigram (the design before migration 0019): the trigram tokenizer
cannot match terms under three characters (1-2 characters scanned every row's text), and its
position lists made the index twice the size. Measurements: docs/performance.md.

The `ixl_*` partial indexes (WHERE voided = 0) give every sortable list column an index, so
ORDER BY … LIMIT/OFFSET and counts run on an index instead of the table rows.

Alembic batch migrations recreate a table (dropping its triggers and renumbering rowids), so
`missing_objects` lets the app notice and `repair` puts everything back.
"""

from __future__ import annotations

from collections.abc import Callable

NL = "char(10)"


def _join(*exprs: str) -> str:
    """Concatenate nullable text expressions with newlines (NULLs become empty)."""
    return f" || {NL} || ".join(f"coalesce({e}, '')" for e in exprs)


_PARTY_NAMES = "(SELECT group_concat(p.name, char(10)) FROM dispute_party p WHERE p.dispute_id = r.id AND p.voided = 0)"
_PARTY_IDENTS = ("(SELECT group_concat(coalesce(p.id_number, '') || char(10) || coalesce(p.phone, ''), char(10)) "
                 "FROM dispute_party p WHERE p.dispute_id = r.id AND p.voided = 0)")

# table -> (name, ident, content) SQL expressions over the base row alias `r`.
SOURCES: dict[str, tuple[str, str, str]] = {
    "petition": (_join("r.petitioner_name", "r.representatives"), _join("r.id_number", "r.phone"),
                 _join("r.request", "r.facts", "r.reasons", "r.address")),
    "dispute": (_PARTY_NAMES, _PARTY_IDENTS, _join("r.title", "r.description")),
    "case_package": (_join("r.staff", "(SELECT l.name FROM leader l WHERE l.id = r.leader_id)"), "''",
                     _join("r.title", "r.plan")),
    "volunteer_team": (_join("r.name", "r.leader_name"), _join("r.phone"), "''"),
    "volunteer": (_join("r.name"), _join("r.id_number", "r.phone"), _join("r.skills")),
    "activity": ("''", "''", _join("r.place", "r.content")),
    "dispatch_item": ("''", "''", _join("r.title", "r.description")),
}

# Base columns whose change refreshes the search row.
WATCHED: dict[str, tuple[str, ...]] = {
    "petition": ("petitioner_name", "representatives", "id_number", "phone", "request", "facts", "reasons", "address"),
    "dispute": ("title", "description"),
    "case_package": ("staff", "leader_id", "title", "plan"),
    "volunteer_team": ("name", "leader_name", "phone"),
    "volunteer": ("name", "id_number", "phone", "skills"),
    "activity": ("place", "content"),
    "dispatch_item": ("title", "description"),
}

# table -> column tuples that get a partial index WHERE voided = 0 (sort keys, filter + default sort).
LIST_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "petition": (("received_date", "status"), ("status", "received_date"), ("serial",), ("petitioner_pinyin",),
                 ("next_deadline",), ("category", "received_date"), ("village_id", "received_date")),
    "dispute": (("found_date", "status"), ("status", "found_date"), ("serial",), ("type", "found_date"),
                ("risk_level", "found_date"), ("next_deadline",), ("village_id", "found_date"),
                ("risk_level", "status"), ("homicide_risk", "status")),
    "case_package": (("start_date", "status"), ("status", "start_date"), ("serial",), ("target_date",),
                     ("next_deadline",)),
    "volunteer_team": (("name",),),
    "volunteer": (("name",),),
    "activity": (("activity_date",), ("serial",)),
    "dispatch_item": (("raised_date", "status"), ("status", "raised_date"), ("serial",), ("next_deadline",)),
}

Execute = Callable[[str], object]


def fts_table(table: str) -> str:
    """The table holding the search text of `table`'s rows."""
    return f"{table}_fts"


def gram_table(table: str) -> str:
    """The n-gram index over `fts_table(table)`."""
    return f"{table}_grams"


def index_name(table: str, cols: tuple[str, ...]) -> str:
    return f"ixl_{table}_{'_'.join(cols)}"


SEQ_TABLE = "search_seq"
SEQ_BLOCK = 1000  # positions 1000*b + a (b 0..999, a 1..1000): texts up to 1,000,000 characters
GRAM_MAX = 3  # the indexed substrings' length; longer terms AND their 3-character substrings
SEP = "char(31)"  # between substrings: not a token character of the tokenizer below
# Every printable ASCII punctuation character is part of a token (so "-", "@", '"' are searchable);
# ASCII whitespace and control characters separate tokens (search terms never contain whitespace);
# every non-ASCII character is a token character; ASCII letters are folded to lower case.
TOKEN_PUNCT = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
_TOKENIZE_ARG = "ascii tokenchars '" + TOKEN_PUNCT.replace("'", "''") + "'"
TOKENIZE = "'" + _TOKENIZE_ARG.replace("'", "''") + "'"


def text_expr(alias: str) -> str:
    """The one string (columns joined by newlines) whose substrings a search row is found by."""
    return f"coalesce({alias}.name, '') || char(10) || coalesce({alias}.ident, '') || char(10) || coalesce({alias}.content, '')"


def grams_expr(text: str) -> str:
    """SQL for the 3-character substring of `text` starting at each position, separated by char(31).

    Plain SQL (no CTE: triggers cannot hold one): a join of the position table with itself walks
    the positions, two levels so the table stays small. Duplicates are left in: the index keeps
    one entry per token and row. (A substring holding whitespace or a control character becomes
    two tokens, each still a substring; search terms never contain whitespace.)
    """
    p = f"{SEQ_BLOCK} * b.n + a.n"
    return (f"(SELECT group_concat(substr(x.t, {p}, {GRAM_MAX}), {SEP}) FROM (SELECT {text} AS t) x, {SEQ_TABLE} b, {SEQ_TABLE} a "
            f"WHERE b.n <= (length(x.t) - 1) / {SEQ_BLOCK} AND a.n >= 1 "
            f"AND a.n <= min({SEQ_BLOCK}, length(x.t) - {SEQ_BLOCK} * b.n))")


def _refresh(table: str, where: str) -> str:
    """Statements replacing the search row(s) of the `table` rows matching `where` (alias r)."""
    name, ident, content = SOURCES[table]
    return (f"DELETE FROM {table}_fts WHERE rowid IN (SELECT r.rowid FROM {table} r WHERE {where}); "
            f"INSERT INTO {table}_fts(rowid, name, ident, content) SELECT r.rowid, {name}, {ident}, {content} "
            f"FROM {table} r WHERE {where};")


def _gram_add(table: str, ref: str) -> str:
    return (f"INSERT INTO {table}_grams(rowid, g) SELECT {ref}.id, {grams_expr(text_expr(ref))};")


def _gram_remove(table: str, ref: str) -> str:
    # A contentless index forgets a row when told exactly what it held: the same substrings of the
    # same (old) text.
    return (f"INSERT INTO {table}_grams({table}_grams, rowid, g) "
            f"SELECT 'delete', {ref}.id, {grams_expr(text_expr(ref))};")


def gram_triggers() -> dict[str, str]:
    """The triggers feeding each n-gram index from its search-text table."""
    out: dict[str, str] = {}
    for table in SOURCES:
        out[f"{table}_grams_ai"] = (f"CREATE TRIGGER {table}_grams_ai AFTER INSERT ON {table}_fts BEGIN "
                                    f"{_gram_add(table, 'new')} END")
        out[f"{table}_grams_ad"] = (f"CREATE TRIGGER {table}_grams_ad AFTER DELETE ON {table}_fts BEGIN "
                                    f"{_gram_remove(table, 'old')} END")
        out[f"{table}_grams_au"] = (f"CREATE TRIGGER {table}_grams_au AFTER UPDATE ON {table}_fts BEGIN "
                                    f"{_gram_remove(table, 'old')} {_gram_add(table, 'new')} END")
    return out


def base_triggers() -> dict[str, str]:
    """The triggers keeping each search-text table in step with the records (and parties, leaders)."""
    out: dict[str, str] = {}
    for table in SOURCES:
        out[f"{table}_fts_ai"] = (f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
                                  f"{_refresh(table, 'r.rowid = new.rowid')} END")
        out[f"{table}_fts_au"] = (f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {', '.join(WATCHED[table])} "
                                  f"ON {table} BEGIN {_refresh(table, 'r.rowid = new.rowid')} END")
        out[f"{table}_fts_ad"] = (f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
                                  f"DELETE FROM {table}_fts WHERE rowid = old.rowid; END")
    # A dispute's parties are part of its search row (voiding a party is an UPDATE).
    for event, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        name = f"dispute_party_fts_{event.lower()[:3]}"
        out[name] = (f"CREATE TRIGGER {name} AFTER {event} ON dispute_party BEGIN "
                     f"{_refresh('dispute', f'r.id = {ref}.dispute_id')} END")
    out["dispute_party_fts_move"] = ("CREATE TRIGGER dispute_party_fts_move AFTER UPDATE OF dispute_id ON dispute_party "
                                     f"BEGIN {_refresh('dispute', 'r.id = old.dispute_id')} END")
    # A renamed leader changes the search rows of the leader's packages.
    out["leader_fts_au"] = ("CREATE TRIGGER leader_fts_au AFTER UPDATE OF name ON leader BEGIN "
                            f"{_refresh('case_package', 'r.leader_id = new.id')} END")
    return out


def triggers() -> dict[str, str]:
    """Every search trigger by name with its CREATE statement."""
    return {**base_triggers(), **gram_triggers()}


def _create_seq(execute: Execute) -> None:
    execute(f"CREATE TABLE IF NOT EXISTS {SEQ_TABLE} (n INTEGER PRIMARY KEY)")
    execute(f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {SEQ_BLOCK}) "
            f"INSERT OR IGNORE INTO {SEQ_TABLE}(n) SELECT n FROM s")


def _refill(execute: Execute, table: str) -> None:
    """(Re)create `table`'s search-text table and n-gram index and fill both from the stored rows,
    set-based (the n-gram triggers are dropped for the fill and recreated after)."""
    name, ident, content = SOURCES[table]
    grams = gram_triggers()
    for trig in (n for n in grams if n.startswith(f"{table}_grams_")):
        execute(f"DROP TRIGGER IF EXISTS {trig}")
    execute(f"CREATE TABLE IF NOT EXISTS {table}_fts (id INTEGER PRIMARY KEY, name TEXT, ident TEXT, content TEXT)")
    execute(f"DROP TABLE IF EXISTS {table}_grams")
    execute(f"CREATE VIRTUAL TABLE {table}_grams USING fts5(g, content='', detail=none, columnsize=0, "
            f"prefix='1 2', tokenize={TOKENIZE})")
    execute(f"DELETE FROM {table}_fts")
    execute(f"INSERT INTO {table}_fts(rowid, name, ident, content) "
            f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r")
    execute(f"INSERT INTO {table}_grams(rowid, g) SELECT f.id, {grams_expr(text_expr('f'))} FROM {table}_fts f")
    execute(f"INSERT INTO {table}_grams({table}_grams) VALUES ('optimize')")  # one segment: fewer, larger reads
    for trig, ddl in grams.items():
        if trig.startswith(f"{table}_grams_"):
            execute(ddl)


def voided_index(table: str) -> str:
    """The index of `table`'s voided rows (few): a search's count is its hits less the voided ones."""
    return f"ixl_{table}_voided"


def create_list_indexes(execute: Execute, has_columns: Callable[[str, tuple[str, ...]], bool] = lambda _t, _c: True,
                        only: set[str] | None = None) -> None:
    """The `ixl_*` list indexes (those whose columns the schema has; `only`: just these names)."""
    for table, indexes in LIST_INDEXES.items():
        for cols in indexes:
            name = index_name(table, cols)
            if (only is None or name in only) and has_columns(table, cols):
                execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(cols)}) WHERE voided = 0")


def create_voided_indexes(execute: Execute, only: set[str] | None = None) -> None:
    """The partial indexes of voided rows of every searchable kind (migration 0019)."""
    for table in SOURCES:
        if only is None or voided_index(table) in only:
            execute(f"CREATE INDEX IF NOT EXISTS {voided_index(table)} ON {table} (voided) WHERE voided = 1")


def create_all(execute: Execute, has_columns: Callable[[str, tuple[str, ...]], bool] = lambda _t, _c: True) -> None:
    """Create the search tables (filled from existing rows), their triggers and the list indexes (those
    whose columns the schema has: `has_columns`, for a migration that runs before a column exists)."""
    _create_seq(execute)
    for table in SOURCES:
        _refill(execute, table)
    for name, ddl in base_triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(ddl)
    create_list_indexes(execute, has_columns)
    create_voided_indexes(execute)


def repair(execute: Execute, missing: list[str]) -> None:
    """Create the missing objects named by `missing_objects`; refill a kind's search tables only if
    one of them or one of its triggers was missing (its rows may be stale or its rowids renumbered)."""
    gone = set(missing)
    if not gone:
        return
    trig = triggers()
    stale = {t for t in SOURCES
             if {f"{t}_fts", f"{t}_grams"} & gone
             or any(n in gone and (n.startswith(f"{t}_fts_") or n.startswith(f"{t}_grams_")) for n in trig)}
    if gone & {"dispute_party_fts_ins", "dispute_party_fts_upd", "dispute_party_fts_del", "dispute_party_fts_move"}:
        stale.add("dispute")
    if "leader_fts_au" in gone:
        stale.add("case_package")
    if SEQ_TABLE in gone:
        _create_seq(execute)
    for table in sorted(stale):
        _refill(execute, table)
    for name, ddl in base_triggers().items():
        if name in gone:
            execute(f"DROP TRIGGER IF EXISTS {name}")
            execute(ddl)
    create_list_indexes(execute, only=gone)
    create_voided_indexes(execute, only=gone)


def drop_all(execute: Execute) -> None:
    for table, indexes in LIST_INDEXES.items():
        for cols in indexes:
            execute(f"DROP INDEX IF EXISTS {index_name(table, cols)}")
    drop_search(execute)


def drop_search(execute: Execute) -> None:
    """Drop every search table, trigger and voided-row index (of this design or the trigram one before it)."""
    for table in SOURCES:
        execute(f"DROP INDEX IF EXISTS {voided_index(table)}")
    for name in triggers():
        execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in SOURCES:
        execute(f"DROP TABLE IF EXISTS {table}_grams")
        execute(f"DROP TABLE IF EXISTS {table}_fts")
    execute(f"DROP TABLE IF EXISTS {SEQ_TABLE}")


def create_trigram(execute: Execute) -> None:
    """The search tables as migrations 0004-0018 made them (FTS5 trigram over the text, fed by
    `base_triggers`): migration 0004 and the downgrade of 0019. Not used by the app."""
    for table, (name, ident, content) in SOURCES.items():
        execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(name, ident, content, tokenize='trigram')")
        execute(f"DELETE FROM {table}_fts")
        execute(f"INSERT INTO {table}_fts(rowid, name, ident, content) "
                f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r")
    for name, ddl in base_triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(ddl)


def expected_objects() -> dict[str, str]:
    """name -> sqlite_master type of every object this module creates."""
    out = {fts_table(t): "table" for t in SOURCES}
    out.update({gram_table(t): "table" for t in SOURCES})
    out[SEQ_TABLE] = "table"
    out.update({name: "trigger" for name in triggers()})
    out.update({index_name(t, c): "index" for t, idx in LIST_INDEXES.items() for c in idx})
    out.update({voided_index(t): "index" for t in SOURCES})
    return out


def missing_objects(rows: list[tuple[str, str]]) -> list[str]:
    """Names of expected objects absent from `rows` = SELECT type, name FROM sqlite_master."""
    present = {(typ, name) for typ, name in rows}
    return sorted(name for name, typ in expected_objects().items() if (typ, name) not in present)


# -- queries ---------------------------------------------------------------------------------------
def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _contains(alias: str, term: str) -> tuple[str, list[object]]:
    """SQL true when one of the search-text columns of row `alias` contains `term` (ASCII case folded
    only when the term has an ASCII letter: no lowered copy of the text otherwise)."""
    fold = any(c.isascii() and c.isalpha() for c in term)
    cols = [f"lower({alias}.{c})" if fold else f"{alias}.{c}" for c in ("name", "ident", "content")]
    needle = "".join(c.lower() if c.isascii() else c for c in term)
    return " OR ".join(f"instr({c}, ?) > 0" for c in cols), [needle] * len(cols)


def term_rowids(table: str, term: str, *, confirm: bool = True) -> tuple[str, list[object]]:
    """A SELECT (and its parameters) of the rowids of the `table` rows whose search text contains
    `term` (ASCII letters in either case): one index lookup for up to three characters; for longer
    terms the rows holding all of its 3-character substrings, confirmed by `instr` (`confirm=False`:
    not confirmed, a superset for an estimate — it reads no text)."""
    if any(ord(ch) < 128 and not ch.isalnum() and ch not in TOKEN_PUNCT for ch in term):
        # An ASCII control character separates tokens: no index lookup can find it, read the text.
        test, args = _contains("f", term)
        return f"SELECT f.id FROM {table}_fts f WHERE {test}", args
    if len(term) <= GRAM_MAX:  # the prefix of a token (1-2 characters: FTS5's prefix index) or a token
        return (f"SELECT rowid FROM {table}_grams WHERE {table}_grams MATCH ?",
                [_phrase(term) + ("*" if len(term) < GRAM_MAX else "")])
    parts = dict.fromkeys(term[i:i + GRAM_MAX] for i in range(len(term) - GRAM_MAX + 1))
    match = " AND ".join(_phrase(p) for p in parts)
    if not confirm:
        return f"SELECT rowid FROM {table}_grams WHERE {table}_grams MATCH ?", [match]
    test, args = _contains("f", term)
    return (f"SELECT f.id FROM {table}_grams g JOIN {table}_fts f ON f.id = g.rowid "
            f"WHERE {table}_grams MATCH ? AND ({test})", [match, *args])


def term_condition(table: str, term: str, rowid: str = "t.rowid") -> tuple[str, list[object]]:
    """SQL true for the rows (`rowid` names their rowid) that `term_rowids` finds."""
    select, params = term_rowids(table, term)
    return f"{rowid} IN ({select})", params

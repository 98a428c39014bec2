"""Tamper evidence: sealing transfers into a hash chain, and verifying balances and seals.

seal() runs after commit, outside any posting transaction (a background job, or `huzhu ledger seal`): the
SQL function ledger_seal hashes the next block of transfers that are surely committed. A per-row hash chain
inside the posting transaction would make every writer wait for the previous one.

verify() recomputes, in a few set-based SQL statements (about one pass over each table):
1. every seal: hash = sha256(prev_hash || digests), prev_hash = the previous seal's hash, contiguous ranges;
2. every sealed block: the digests of the transfers now in its transaction-id range (encoding 2: sha256 of the
   transfer row; seals of encoding 1 also covered its entries), concatenated in id order, against what the seal
   recorded; a block that differs is then compared transfer by transfer, which names the transfer that was
   changed, removed, or added (or moved) after sealing;
3. per account, three sums that must agree: the balance columns, the sums of its entries, and what the
   transfers say its entries must be (posted and pending amounts by phase). Where entries and transfers
   disagree, a second query over those accounts' entries names the transfers concerned.
It names the first transfer (lowest id) that does not match, and the accounts whose balances do not.

What this cannot catch: someone with write access who rewrites the newest seal consistently. Publish or copy
`head` (the newest seal's hash) elsewhere and compare it to catch that too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, transaction

GENESIS = bytes(32)


@dataclass
class VerifyReport:
    ok: bool
    accounts: int = 0
    transfers: int = 0
    sealed: int = 0
    seals: int = 0
    first_bad_transfer: int | None = None
    bad_transfer_reason: str = ""
    bad_transfers: int = 0
    bad_accounts: list[int] = field(default_factory=list)
    bad_seal: int | None = None
    bad_seal_reason: str = ""
    head: str = ""
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"accounts: {self.accounts}, transfers: {self.transfers} ({self.sealed} sealed in {self.seals} seals)",
            f"head seal hash: {self.head or '-'}",
        ]
        if self.first_bad_transfer is not None:
            out.append(
                f"FIRST BAD TRANSFER: {self.first_bad_transfer} ({self.bad_transfer_reason}); "
                f"{self.bad_transfers} transfer(s) do not match"
            )
        if self.bad_seal is not None:
            out.append(f"BAD SEAL: {self.bad_seal} ({self.bad_seal_reason})")
        if self.bad_accounts:
            shown = ", ".join(str(a) for a in self.bad_accounts[:20])
            out.append(f"BALANCE MISMATCH on {len(self.bad_accounts)} account(s): {shown}")
        out.append(f"{'OK' if self.ok else 'FAILED'} in {self.seconds:.2f} s")
        return out


def seal(*, max_transfers: int = 50_000, max_blocks: int = 1_000) -> int:
    """Seal every transfer that is surely committed, in blocks; returns how many were sealed."""
    total = 0
    with connection.cursor() as cursor:
        for _block in range(max_blocks):
            cursor.execute("SELECT ledger_seal(%s)", [max_transfers])
            sealed = cursor.fetchone()[0]
            if not sealed:
                break
            total += sealed
    return total


# Per account: the balance columns, the entries' sums, and the sums the transfers imply (the same rules as
# ledger_implied_entries, written as plain aggregates so that PostgreSQL can run them in parallel workers). Each
# aggregated to one row per account before anything is joined.
_ACCOUNTS_SQL = """
WITH implied AS MATERIALIZED (
    SELECT account_id, sum(dp) AS dp, sum(cp) AS cp, sum(dpe) AS dpe, sum(cpe) AS cpe
      FROM (SELECT debit_account_id AS account_id, sum(amount) FILTER (WHERE phase IN ('posted', 'post')) AS dp,
                   0 AS cp, sum(CASE phase WHEN 'pending' THEN amount WHEN 'void' THEN -amount
                                           WHEN 'expire' THEN -amount ELSE 0 END) AS dpe, 0 AS cpe
              FROM ledger_transfer GROUP BY debit_account_id
            UNION ALL
            SELECT credit_account_id, 0, sum(amount) FILTER (WHERE phase IN ('posted', 'post')),
                   0, sum(CASE phase WHEN 'pending' THEN amount WHEN 'void' THEN -amount
                                     WHEN 'expire' THEN -amount ELSE 0 END)
              FROM ledger_transfer GROUP BY credit_account_id
            UNION ALL  -- a post releases what its pending transfer held
            SELECT t.debit_account_id, 0, 0, -sum(p.amount), 0
              FROM ledger_transfer t JOIN ledger_transfer p ON p.id = t.pending_id
             WHERE t.pending_id IS NOT NULL AND t.phase = 'post' GROUP BY t.debit_account_id
            UNION ALL
            SELECT t.credit_account_id, 0, 0, 0, -sum(p.amount)
              FROM ledger_transfer t JOIN ledger_transfer p ON p.id = t.pending_id
             WHERE t.pending_id IS NOT NULL AND t.phase = 'post' GROUP BY t.credit_account_id) AS u
     GROUP BY account_id),
entered AS MATERIALIZED (
    SELECT account_id,
           sum(posted) FILTER (WHERE is_debit) AS dp, sum(posted) FILTER (WHERE NOT is_debit) AS cp,
           sum(pending) FILTER (WHERE is_debit) AS dpe, sum(pending) FILTER (WHERE NOT is_debit) AS cpe
      FROM ledger_entry GROUP BY account_id),
balances AS MATERIALIZED (
    SELECT id AS account_id, debits_posted AS dp, credits_posted AS cp, debits_pending AS dpe, credits_pending AS cpe
      FROM ledger_account),
compared AS (
    SELECT coalesce(a.account_id, e.account_id, i.account_id) AS id,
           (a.dp, a.cp, a.dpe, a.cpe)
           IS DISTINCT FROM (coalesce(e.dp, 0), coalesce(e.cp, 0), coalesce(e.dpe, 0), coalesce(e.cpe, 0))
           AS balance_bad,
           (coalesce(e.dp, 0), coalesce(e.cp, 0), coalesce(e.dpe, 0), coalesce(e.cpe, 0))
           IS DISTINCT FROM (coalesce(i.dp, 0), coalesce(i.cp, 0), coalesce(i.dpe, 0), coalesce(i.cpe, 0))
           AS entries_bad
      FROM balances a
      FULL JOIN entered e ON e.account_id = a.account_id
      FULL JOIN implied i ON i.account_id = coalesce(a.account_id, e.account_id))
SELECT (SELECT count(*) FROM ledger_account),
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE balance_bad), '{}'),
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE entries_bad), '{}')
  FROM compared
"""

# For the accounts whose entries and transfers disagree: the entries the transfers imply beside the entries that
# exist, side by side; the lowest transfer id where they differ.
_ENTRIES_DRILL_SQL = """
WITH implied AS (
    SELECT t.id AS transfer_id, x.is_debit, x.account_id, x.posted, x.pending
      FROM ledger_transfer t CROSS JOIN LATERAL ledger_implied_entries(t) AS x
     WHERE t.debit_account_id = ANY (%(accounts)s) OR t.credit_account_id = ANY (%(accounts)s)),
actual AS (
    SELECT transfer_id, is_debit, account_id, posted, pending FROM ledger_entry
     WHERE account_id = ANY (%(accounts)s)
        OR transfer_id IN (SELECT transfer_id FROM implied))
SELECT count(DISTINCT id), min(id), (array_agg(problem ORDER BY id))[1]
  FROM (SELECT coalesce(i.transfer_id, a.transfer_id) AS id,
               CASE WHEN i.transfer_id IS NULL THEN 'entries without a transfer row'
                    WHEN a.transfer_id IS NULL THEN 'transfer without its entries'
                    ELSE 'entries do not match the transfer' END AS problem
          FROM implied i FULL JOIN actual a ON a.transfer_id = i.transfer_id AND a.is_debit = i.is_debit
         WHERE (i.account_id, i.posted, i.pending) IS DISTINCT FROM (a.account_id, a.posted, a.pending)) d
"""

_SEALS_SQL = """
SELECT s.id, s.transfer_count,
       CASE WHEN s.prev_hash IS DISTINCT FROM coalesce(lag(s.hash) OVER w, %(genesis)s) THEN 'chain broken'
            WHEN s.xid_from IS DISTINCT FROM coalesce(lag(s.xid_to) OVER w, 0) OR s.xid_to <= s.xid_from
                 THEN 'range not contiguous'
            WHEN cardinality(s.ids) IS DISTINCT FROM s.transfer_count
                 OR length(s.digests) IS DISTINCT FROM 32 * s.transfer_count THEN 'block size'
            WHEN s.hash IS DISTINCT FROM sha256(s.prev_hash || s.digests) THEN 'hash'
       END AS problem,
       encode(s.hash, 'hex') AS hash, s.xid_from, s.xid_to, s.encoding
  FROM ledger_seal s WINDOW w AS (ORDER BY s.xid_from)
 ORDER BY s.xid_from
"""

# Every sealed block recomputed: the digests of the transfers now in its transaction-id range, concatenated in
# id order, against the digests the seal recorded. One scan of the transfers (parallel where PostgreSQL can);
# the k-th block is the seal whose range width_bucket() finds among the seals' lower bounds.
_BLOCKS_SQL = """
WITH x AS MATERIALIZED (  -- digests computed where the rows are read (in parallel workers), before any sort
    SELECT t.id, width_bucket(t.txid, %(bounds)s::bigint[]) AS k,
           CASE WHEN (%(encodings)s::smallint[])[width_bucket(t.txid, %(bounds)s::bigint[])] = 1
                THEN ledger_transfer_digest_v1(t) ELSE ledger_transfer_digest(t) END AS d
      FROM ledger_transfer t
     WHERE t.txid < %(horizon)s)
SELECT x.k, count(*), string_agg(x.d, ''::bytea ORDER BY x.id) = (
           SELECT s.digests FROM ledger_seal s WHERE s.id = (%(seal_ids)s::bigint[])[x.k]) AS same
  FROM x
 GROUP BY x.k
"""

# One bad block, transfer by transfer: what the seal recorded beside what is there now.
_BLOCK_DRILL_SQL = """
SELECT t.id, CASE WHEN s.encoding = 1 THEN ledger_transfer_digest_v1(t) ELSE ledger_transfer_digest(t) END
  FROM ledger_seal s JOIN ledger_transfer t ON (t.txid >= s.xid_from AND t.txid < s.xid_to) OR t.id = ANY (s.ids)
 WHERE s.id = %(seal)s
"""


def _drill_block(cursor: object, seal_id: int) -> tuple[int, str] | None:
    """The lowest transfer id of the block whose digest differs from the seal's record, and why."""
    cursor.execute("SELECT ids, digests FROM ledger_seal WHERE id = %s", [seal_id])  # type: ignore[attr-defined]
    ids, digests = cursor.fetchone()  # type: ignore[attr-defined]
    digests = bytes(digests)
    recorded = {tid: digests[i * 32:(i + 1) * 32] for i, tid in enumerate(ids)}
    cursor.execute(_BLOCK_DRILL_SQL, {"seal": seal_id})  # type: ignore[attr-defined]
    now = {tid: bytes(d) for tid, d in cursor.fetchall()}  # type: ignore[attr-defined]
    problems = []
    for tid in recorded.keys() | now.keys():
        if tid not in now:
            problems.append((tid, "missing: sealed but no longer in the table"))
        elif tid not in recorded:
            problems.append((tid, "not in its seal: inserted or moved after sealing"))
        elif recorded[tid] != now[tid]:
            problems.append((tid, "digest differs from its seal"))
    return min(problems) if problems else None


def verify(*, parallel_workers: int = 2) -> VerifyReport:
    """Recompute seals, digests, entries and balances; see the module docstring.

    parallel_workers: PostgreSQL parallel workers per query (0: everything in this connection's process).
    """
    started = time.perf_counter()
    report = VerifyReport(ok=True)
    with transaction.atomic(), connection.cursor() as cursor:
        # One snapshot for every statement (REPEATABLE READ): postings that commit meanwhile are not half-seen.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL work_mem = '192MB'")
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [str(int(parallel_workers))])
        cursor.execute(_SEALS_SQL, {"genesis": GENESIS})
        seals = cursor.fetchall()
        bad_seals: set[int] = set()
        for seal_id, count, problem, head, _xid_from, _xid_to, _encoding in seals:
            report.seals += 1
            report.sealed += count
            report.head = head
            if problem:
                bad_seals.add(seal_id)
                if report.bad_seal is None:
                    report.bad_seal, report.bad_seal_reason = seal_id, problem
        cursor.execute("SELECT count(*) FROM ledger_transfer")
        report.transfers = cursor.fetchone()[0]
        if seals:
            cursor.execute(_BLOCKS_SQL, {
                "seal_ids": [row[0] for row in seals],
                "bounds": [row[4] for row in seals] + [seals[-1][5]],
                "encodings": [row[6] for row in seals],
                "horizon": seals[-1][5],
            })
            found = {k: (n, same) for k, n, same in cursor.fetchall()}
            for k, row in enumerate(seals, start=1):
                n, same = found.get(k, (0, False))
                if not same or n != row[1]:
                    bad_seals.add(row[0])
        firsts = [hit for seal_id in sorted(bad_seals) if (hit := _drill_block(cursor, seal_id))]
        if firsts:
            report.first_bad_transfer, report.bad_transfer_reason = min(firsts)
            report.bad_transfers = len(firsts)
        cursor.execute(_ACCOUNTS_SQL)
        report.accounts, report.bad_accounts, entries_bad = cursor.fetchone()
        if entries_bad:
            cursor.execute(_ENTRIES_DRILL_SQL, {"accounts": list(entries_bad)})
            count, first, problem = cursor.fetchone()
            if first is not None:
                report.bad_transfers += count
                if report.first_bad_transfer is None or first < report.first_bad_transfer:
                    report.first_bad_transfer, report.bad_transfer_reason = first, problem
        if report.bad_seal is not None and report.first_bad_transfer is None:
            cursor.execute("SELECT ids[1] FROM ledger_seal WHERE id = %s", [report.bad_seal])
            row = cursor.fetchone()
            report.first_bad_transfer = row[0] if row else None
            report.bad_transfer_reason = f"first transfer of bad seal {report.bad_seal} ({report.bad_seal_reason})"
    report.ok = report.first_bad_transfer is None and report.bad_seal is None and not report.bad_accounts
    report.seconds = time.perf_counter() - started
    return report

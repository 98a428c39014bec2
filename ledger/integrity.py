"""Tamper evidence: sealing transfers into a hash chain, and verifying balances and seals.

seal() runs after commit, outside any posting transaction (a background job, or `huzhu ledger seal`): the
SQL function ledger_seal hashes the next block of transfers that are surely committed. A per-row hash chain
inside the posting transaction would make every writer wait for the previous one.

verify() recomputes, in a few set-based SQL statements (about one pass over each table):
1. every seal: hash = sha256(prev_hash || digests), prev_hash = the previous seal's hash, contiguous ranges;
2. every transfer's digest, compared with the digest its seal recorded (encoding 2: sha256 of the transfer row;
   seals of encoding 1 also covered its entries); transfers missing from their block, or unsealed below the
   newest seal's horizon;
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


# Per account: the balance columns, the entries' sums, and the sums the transfers imply. One scan of each table.
_ACCOUNTS_SQL = """
WITH implied AS (
    SELECT x.account_id,
           sum(x.posted) FILTER (WHERE x.is_debit) AS dp, sum(x.posted) FILTER (WHERE NOT x.is_debit) AS cp,
           sum(x.pending) FILTER (WHERE x.is_debit) AS dpe, sum(x.pending) FILTER (WHERE NOT x.is_debit) AS cpe
      FROM ledger_transfer t
     CROSS JOIN LATERAL ledger_implied_entries(t) AS x
     GROUP BY x.account_id),
entered AS (
    SELECT account_id,
           sum(posted) FILTER (WHERE is_debit) AS dp, sum(posted) FILTER (WHERE NOT is_debit) AS cp,
           sum(pending) FILTER (WHERE is_debit) AS dpe, sum(pending) FILTER (WHERE NOT is_debit) AS cpe
      FROM ledger_entry GROUP BY account_id),
compared AS (
    SELECT coalesce(a.id, e.account_id, i.account_id) AS id,
           (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
           IS DISTINCT FROM (coalesce(e.dp, 0), coalesce(e.cp, 0), coalesce(e.dpe, 0), coalesce(e.cpe, 0))
           AS balance_bad,
           (coalesce(e.dp, 0), coalesce(e.cp, 0), coalesce(e.dpe, 0), coalesce(e.cpe, 0))
           IS DISTINCT FROM (coalesce(i.dp, 0), coalesce(i.cp, 0), coalesce(i.dpe, 0), coalesce(i.cpe, 0))
           AS entries_bad
      FROM ledger_account a
      FULL JOIN entered e ON e.account_id = a.id
      FULL JOIN implied i ON i.account_id = coalesce(a.id, e.account_id))
SELECT (SELECT count(*) FROM ledger_account),
       ARRAY(SELECT id FROM compared WHERE balance_bad ORDER BY id LIMIT 1000),
       ARRAY(SELECT id FROM compared WHERE entries_bad ORDER BY id LIMIT 1000)
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
       encode(s.hash, 'hex') AS hash, s.xid_to
  FROM ledger_seal s WINDOW w AS (ORDER BY s.xid_from)
 ORDER BY s.xid_from
"""

# Every transfer beside what its seal recorded (one scan of transfers, one of the seals' arrays). `horizon` is the
# newest seal's xid_to: below it every transfer must be sealed.
_TRANSFERS_SQL = """
WITH sealed AS (
    SELECT u.id, s.encoding, substring(s.digests FROM (u.ord::integer - 1) * 32 + 1 FOR 32) AS digest
      FROM ledger_seal s CROSS JOIN LATERAL unnest(s.ids) WITH ORDINALITY AS u(id, ord)),
checked AS (
    SELECT coalesce(t.id, sealed.id) AS id, t.id IS NOT NULL AS present, sealed.id IS NOT NULL AS is_sealed,
           CASE WHEN t.id IS NULL THEN 'missing: sealed but no longer in the table'
                WHEN sealed.id IS NULL AND t.txid < %(horizon)s
                     THEN 'not in its seal: inserted or moved after sealing'
                WHEN sealed.id IS NOT NULL AND sealed.digest IS DISTINCT FROM
                     CASE WHEN sealed.encoding = 1 THEN ledger_transfer_digest_v1(t) ELSE ledger_transfer_digest(t) END
                     THEN 'digest differs from its seal'
           END AS problem
      FROM ledger_transfer t FULL JOIN sealed ON sealed.id = t.id)
SELECT count(*) FILTER (WHERE present) AS transfers,
       count(*) FILTER (WHERE present AND is_sealed) AS sealed,
       count(*) FILTER (WHERE problem IS NOT NULL) AS bad,
       min(id) FILTER (WHERE problem IS NOT NULL) AS first_bad,
       (array_agg(problem ORDER BY id) FILTER (WHERE problem IS NOT NULL))[1] AS first_problem
  FROM checked
"""


def verify() -> VerifyReport:
    """Recompute seals, digests, entries and balances; see the module docstring."""
    started = time.perf_counter()
    report = VerifyReport(ok=True)
    with transaction.atomic(), connection.cursor() as cursor:
        # One snapshot for every statement (REPEATABLE READ): postings that commit meanwhile are not half-seen.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_SEALS_SQL, {"genesis": GENESIS})
        horizon = 0
        for seal_id, _count, problem, head, xid_to in cursor.fetchall():
            report.seals += 1
            report.head = head
            horizon = xid_to
            if problem and report.bad_seal is None:
                report.bad_seal, report.bad_seal_reason = seal_id, problem
        cursor.execute(_TRANSFERS_SQL, {"horizon": horizon})
        transfers, sealed, bad, first_bad, first_problem = cursor.fetchone()
        report.transfers, report.sealed, report.bad_transfers = transfers, sealed, bad
        report.first_bad_transfer, report.bad_transfer_reason = first_bad, first_problem or ""
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

"""Tamper evidence: sealing transfers into a hash chain, and verifying balances and seals.

seal() runs after commit, outside any posting transaction (a background job, or `huzhu ledger seal`): the
SQL function ledger_seal hashes the next block of transfers that are surely committed. A per-row hash chain
inside the posting transaction would make every writer wait for the previous one.

verify() recomputes, in a few set-based SQL statements:
1. every account's four balance columns from its entries (and entries on accounts that do not exist);
2. every transfer's entries (two, one per side, both carrying the same numbers that fit the transfer's phase),
   and entries whose transfer does not exist;
3. every transfer's digest (sha256 of a deterministic text of the transfer and its entries), compared with
   the digest its seal recorded; transfers missing from their block, or unsealed inside a sealed range;
4. every seal: hash = sha256(prev_hash || digests), prev_hash = the previous seal's hash, contiguous ranges.
It names the first transfer (lowest id) that does not match, and the accounts whose balances do not.

What this cannot catch: someone with write access who rewrites the newest seal consistently. Publish or copy
`head` (the newest seal's hash) elsewhere and compare it to catch that too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection

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


_BALANCES_SQL = """
WITH s AS (
    SELECT account_id,
           sum(posted) FILTER (WHERE is_debit) AS dp, sum(posted) FILTER (WHERE NOT is_debit) AS cp,
           sum(pending) FILTER (WHERE is_debit) AS dpe, sum(pending) FILTER (WHERE NOT is_debit) AS cpe
      FROM ledger_entry GROUP BY account_id)
SELECT (SELECT count(*) FROM ledger_account),
       ARRAY(SELECT coalesce(a.id, s.account_id)
               FROM ledger_account a FULL JOIN s ON s.account_id = a.id
              WHERE (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
                    IS DISTINCT FROM (coalesce(s.dp, 0), coalesce(s.cp, 0), coalesce(s.dpe, 0), coalesce(s.cpe, 0))
              ORDER BY 1 LIMIT 1000)
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

# One pass over transfers joined to their entries (both read in transfer-id order through their primary keys)
# and to what the seals recorded. `horizon` is the newest seal's xid_to: below it every transfer must be sealed.
_TRANSFERS_SQL = """
WITH e AS (
    SELECT e.transfer_id,
           string_agg(ledger_entry_text(e), '|' ORDER BY e.is_debit DESC) AS etext,
           count(*) AS n,
           max(e.account_id) FILTER (WHERE e.is_debit) AS da, max(e.account_id) FILTER (WHERE NOT e.is_debit) AS ca,
           min(e.posted) AS po_min, max(e.posted) AS po, min(e.pending) AS pe_min, max(e.pending) AS pe
      FROM ledger_entry e GROUP BY e.transfer_id),
cur AS (
    SELECT coalesce(t.id, e.transfer_id) AS id, t.id IS NOT NULL AS has_row, t.txid,
           sha256(convert_to(ledger_transfer_text(t) || '|' || coalesce(e.etext, ''), 'UTF8')) AS digest,
           coalesce(e.n = 2 AND e.da = t.debit_account_id AND e.ca = t.credit_account_id
                    AND e.po_min = e.po AND e.pe_min = e.pe
                    AND CASE t.phase
                        WHEN 'posted' THEN e.po = t.amount AND e.pe = 0
                        WHEN 'pending' THEN e.po = 0 AND e.pe = t.amount
                        WHEN 'post' THEN e.po = t.amount
                             AND e.pe = -(SELECT p.amount FROM ledger_transfer p WHERE p.id = t.pending_id)
                        ELSE e.po = 0 AND e.pe = -t.amount
                             AND t.amount = (SELECT p.amount FROM ledger_transfer p WHERE p.id = t.pending_id)
                        END, false) AS entries_ok
      FROM ledger_transfer t FULL JOIN e ON e.transfer_id = t.id),
sealed AS (
    SELECT u.id, substring(s.digests FROM (u.ord::integer - 1) * 32 + 1 FOR 32) AS digest
      FROM ledger_seal s CROSS JOIN LATERAL unnest(s.ids) WITH ORDINALITY AS u(id, ord)),
checked AS (
    SELECT coalesce(cur.id, sealed.id) AS id, coalesce(cur.has_row, false) AS present,
           sealed.id IS NOT NULL AS is_sealed,
           CASE WHEN cur.id IS NULL OR NOT cur.has_row THEN 'missing: sealed or with entries, but no transfer row'
                WHEN NOT cur.entries_ok THEN 'entries do not match the transfer'
                WHEN sealed.id IS NULL AND cur.txid < %(horizon)s
                     THEN 'not in its seal: inserted or moved after sealing'
                WHEN sealed.id IS NOT NULL AND cur.digest <> sealed.digest THEN 'digest differs from its seal'
           END AS problem
      FROM cur FULL JOIN sealed ON sealed.id = cur.id)
SELECT count(*) FILTER (WHERE present) AS transfers,
       count(*) FILTER (WHERE present AND is_sealed) AS sealed,
       count(*) FILTER (WHERE problem IS NOT NULL) AS bad,
       min(id) FILTER (WHERE problem IS NOT NULL) AS first_bad,
       (array_agg(problem ORDER BY id) FILTER (WHERE problem IS NOT NULL))[1] AS first_problem
  FROM checked
"""


def verify() -> VerifyReport:
    """Recompute balances, entries, digests and the seal chain; see the module docstring."""
    started = time.perf_counter()
    report = VerifyReport(ok=True)
    with connection.cursor() as cursor:
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
        if report.bad_seal is not None and report.first_bad_transfer is None:
            cursor.execute("SELECT ids[1] FROM ledger_seal WHERE id = %s", [report.bad_seal])
            row = cursor.fetchone()
            report.first_bad_transfer = row[0] if row else None
            report.bad_transfer_reason = f"first transfer of bad seal {report.bad_seal} ({report.bad_seal_reason})"
        cursor.execute(_BALANCES_SQL)
        report.accounts, report.bad_accounts = cursor.fetchone()
    report.ok = report.first_bad_transfer is None and report.bad_seal is None and not report.bad_accounts
    report.seconds = time.perf_counter() - started
    return report

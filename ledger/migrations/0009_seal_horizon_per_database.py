"""The sealer's horizon looks only at transactions in this database.

pg_snapshot_xmin(pg_current_snapshot()) is the oldest transaction running anywhere in the cluster: one long
transaction in another database (a report, a test run, an idle session) held every seal back. Only
transactions connected to this database can insert transfers, so when the sealer may see every session's
transaction id (superuser or pg_read_all_stats) it takes the oldest transaction id among this database's
sessions and prepared transactions, bounded by the next id to be assigned (read first: a transaction that gets
its id after that read gets a larger one). Otherwise it keeps the cluster-wide xmin, which is always safe.
"""

from django.db import migrations

SEAL = r"""
CREATE OR REPLACE FUNCTION ledger_seal_horizon() RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    v_next bigint; v_oldest bigint;
BEGIN
    v_next := pg_snapshot_xmax(pg_current_snapshot())::text::bigint;  -- read before looking at the sessions
    IF NOT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') THEN
        RETURN pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
    END IF;
    -- 32-bit xids of running transactions, widened with the current epoch (they are within 2^31 of v_next)
    SELECT min(CASE WHEN w > v_next THEN w - 4294967296 ELSE w END) INTO v_oldest
      FROM (SELECT (v_next & ~4294967295::bigint) + x::text::bigint AS w
              FROM (SELECT backend_xid AS x FROM pg_stat_activity
                     WHERE datname = current_database() AND backend_xid IS NOT NULL
                    UNION ALL
                    SELECT transaction FROM pg_prepared_xacts WHERE database = current_database()) AS xs) AS ws;
    RETURN least(v_next, coalesce(v_oldest, v_next));
END
$fn$;

CREATE OR REPLACE FUNCTION ledger_seal(p_max integer DEFAULT 50000) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    v_horizon bigint; v_from bigint; v_to bigint; v_first bigint; v_prev bytea; v_ids bigint[]; v_digests bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(74130001);
    -- every transaction of this database below the horizon has finished: no transfer can still appear below it
    v_horizon := ledger_seal_horizon();
    SELECT s.xid_to, s.hash INTO v_from, v_prev FROM ledger_seal s ORDER BY s.xid_from DESC LIMIT 1;
    IF NOT FOUND THEN
        v_from := 0; v_prev := decode(repeat('00', 32), 'hex');
    END IF;
    SELECT min(t.txid) INTO v_first FROM ledger_transfer t WHERE t.txid >= v_from AND t.txid < v_horizon;
    IF v_first IS NULL THEN RETURN 0; END IF;
    SELECT t.txid INTO v_to FROM ledger_transfer t WHERE t.txid >= v_from AND t.txid < v_horizon
     ORDER BY t.txid OFFSET p_max LIMIT 1;
    IF v_to IS NULL THEN
        v_to := v_horizon;
    ELSIF v_to <= v_first THEN
        v_to := v_first + 1;  -- one transaction holds more than p_max transfers: it is one block
    END IF;
    SELECT array_agg(b.id), string_agg(b.digest, ''::bytea) INTO v_ids, v_digests
      FROM (SELECT t.id, ledger_transfer_digest(t) AS digest
              FROM ledger_transfer t WHERE t.txid >= v_from AND t.txid < v_to ORDER BY t.id) b;
    INSERT INTO ledger_seal (xid_from, xid_to, transfer_count, ids, digests, prev_hash, hash, encoding, created_at)
    VALUES (v_from, v_to, cardinality(v_ids), v_ids, v_digests, v_prev, sha256(v_prev || v_digests), 2, now());
    RETURN cardinality(v_ids);
END
$fn$;
"""


def _previous_seal() -> str:
    import importlib

    module = importlib.import_module("ledger.migrations.0006_binary_digests")
    text = module.DIGEST
    return text[text.index("CREATE OR REPLACE FUNCTION ledger_seal("):]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_single_transfer_function")]

    operations = [
        migrations.RunSQL(SEAL, _previous_seal() + "\nDROP FUNCTION ledger_seal_horizon();"),
    ]

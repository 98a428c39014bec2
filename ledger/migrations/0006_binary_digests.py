"""Seal digests of encoding 2: sha256 of the transfer row's binary form, without its entries.

Hashing a text form of every transfer and of its entries made verify join 2,000,000 entries to 1,000,000
transfers and format every row as text. Encoding 2 hashes record_send() of the transfer row (integers and
times in binary; text as UTF-8 bytes so that no client encoding can change it; jsonb in its canonical text).
Entries are instead checked against the transfers and the balances per account (ledger/integrity.py).
Existing seals keep encoding 1 and are verified as they were made: a hash chain is never rewritten.
"""

from django.db import migrations, models

DIGEST = r"""
ALTER TABLE ledger_seal ADD COLUMN encoding smallint NOT NULL DEFAULT 1;
ALTER TABLE ledger_seal ALTER COLUMN encoding SET DEFAULT 2;

CREATE FUNCTION ledger_transfer_digest(t ledger_transfer) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(record_send(ROW(
        t.id, convert_to(t.client_id, 'UTF8'), t.request_hash, convert_to(t.ledger, 'UTF8'), t.debit_account_id,
        t.credit_account_id, t.amount, convert_to(t.code, 'UTF8'), convert_to(t.phase, 'UTF8'), t.pending_id,
        t.reverses_id, t.expires_at, convert_to(t.memo::text, 'UTF8'), t.created_at, t.txid)))
$$;

-- Encoding 1, as the first seals computed it (text of the transfer and of its entries).
CREATE FUNCTION ledger_transfer_digest_v1(t ledger_transfer) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(convert_to(ledger_transfer_text(t) || '|' || coalesce(
        (SELECT string_agg(ledger_entry_text(e), '|' ORDER BY e.is_debit DESC)
           FROM ledger_entry e WHERE e.transfer_id = t.id), ''), 'UTF8'))
$$;

-- The two entries a transfer must have (what ledger_create_transfers writes), from the transfer row alone
-- (a post also reads the amount its pending transfer held). Inlined by the planner into verify's queries.
CREATE FUNCTION ledger_implied_entries(t ledger_transfer)
RETURNS TABLE (is_debit boolean, account_id bigint, posted bigint, pending bigint) LANGUAGE sql STABLE AS $$
    SELECT s.deb, CASE WHEN s.deb THEN t.debit_account_id ELSE t.credit_account_id END,
           CASE WHEN t.phase IN ('posted', 'post') THEN t.amount ELSE 0 END,
           CASE t.phase WHEN 'posted' THEN 0
                        WHEN 'pending' THEN t.amount
                        WHEN 'post' THEN -(SELECT p.amount FROM ledger_transfer p WHERE p.id = t.pending_id)
                        ELSE -t.amount END
      FROM (VALUES (true), (false)) AS s(deb)
$$;

CREATE OR REPLACE FUNCTION ledger_seal(p_max integer DEFAULT 50000) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    v_horizon bigint; v_from bigint; v_to bigint; v_first bigint; v_prev bytea; v_ids bigint[]; v_digests bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(74130001);
    -- every transaction below the snapshot's xmin has finished: no transfer can still appear below it
    v_horizon := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
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

UNDO = r"""
DROP FUNCTION ledger_implied_entries(ledger_transfer);
DROP FUNCTION ledger_transfer_digest_v1(ledger_transfer);
DROP FUNCTION ledger_transfer_digest(ledger_transfer);
ALTER TABLE ledger_seal DROP COLUMN encoding;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_lean_single_transfers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DIGEST, UNDO)],
            state_operations=[
                migrations.AddField(model_name="seal", name="encoding", field=models.SmallIntegerField(default=2)),
            ],
        ),
    ]

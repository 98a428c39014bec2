"""The ledger's schema in one step: tables, storage settings, append-only triggers, and the final version of every
PL/pgSQL and SQL function. Squashes 0001_initial .. 0011_plain_batch_loop (see `replaces`).

A database that applied all eleven old migrations gets this one recorded as applied by the next `migrate` and
runs nothing; a fresh database runs only this. The schema is the same either way, function bodies included to
the byte (checked with pg_dump and pg_proc.prosrc when the squash was made). The old files, with the measurements
behind each change, are in git history (`git log -- ledger/migrations`).

Written as plain SQL where the point of a piece is what PostgreSQL itself enforces or executes.

Tables and storage
- Transfers, entries and seals are append-only: triggers refuse UPDATE and DELETE on them (a transfer is
  corrected by a new reversing transfer). Balances on accounts DO change; accounts are never deleted (a trigger
  refuses it; close them instead).
- The references from transfers and entries to accounts and transfers carry no FOREIGN KEY constraint (Django
  would make them DEFERRABLE INITIALLY DEFERRED, and six referential checks per transfer at commit cost more than
  the whole posting); ledger/models.py says why they hold anyway.
- ledger_transfer.txid, the inserting transaction's id, lets the sealer know which transfers are surely
  committed. bigint, not xid8: xid8 has no BRIN operator class; its decimal text is the same, so digests do not
  depend on the type. It grows with the table, so a BRIN index is enough and costs next to nothing per insert
  (a B-tree cost one index insertion per transfer). ledger_create_transfers writes it from one value computed
  once per call, not from the default per row.
- ledger_account has fillfactor 50. Balance rows are updated with every transfer; HOT updates (room for the new
  row version on the same page) touch no index. While batches queue, the snapshots of waiting calls keep the
  replaced row versions from being pruned: at fillfactor 80 pages filled up and a share of the updates were not
  HOT (each then writing every index of the table).
- client_id uses the "C" collation: it is an opaque key, compared bytewise, and its unique index is written with
  every transfer.
- The varchar_pattern_ops ("_like") indexes Django adds beside unique CharFields are dropped for
  ledger_transfer.client_id and ledger_account.code: nothing queries them with LIKE, client_id's "C" unique index
  serves prefix searches anyway, and the client_id one was a third B-tree written with every transfer.
- ledger_seal.encoding says how each digest of a seal was computed: 1 = sha256 of a text form of the transfer
  and its entries (the first seals), 2 = sha256 of the binary form of the transfer row alone (the default).
  Hashing a text form of every transfer and its entries made verify join 2,000,000 entries to 1,000,000
  transfers and format every row as text; entries are instead checked against the transfers and the balances
  per account (ledger/integrity.py). Seals keep the encoding they were made with: a hash chain is never
  rewritten, so encoding 1 (ledger_transfer_digest_v1 and the *_text functions) stays.

Functions
- ledger_create_transfers posts a whole batch in one call: it locks every account the batch touches in id order
  (so concurrent batches never deadlock), checks and applies each transfer in memory in request order, then
  writes transfers, entries and the changed balance rows with one set-based statement. One generic plan per
  statement (replanning each statement for every single transfer cost more than running it), and such a plan must
  never seq-scan accounts or transfers (millions of rows) to find a few, hence its SET clause. Large batches
  (more than 64 transfers) take turns on an exclusive advisory lock and read their accounts without row locks;
  before their turn they do what no other posting can change, so the turns (what batches queue for) are short:
  batches of 2,000 spent about a sixth less time in their turn. Small calls share the lock and skip every
  statement they do not need. A plain batch (only new transfers, none linked, no client id seen before or twice)
  runs a loop with the branches that cannot apply left out: about 17 ms of backend CPU for 2,000 transfers
  instead of about 24 ms, inside the exclusive turn. The comments in its body say the rest.
- ledger_transfer_one posts one plain transfer (posted or pending, no reversal, no post/void) with scalar
  arguments; ledger.api uses it when a call holds exactly one plain request. A single transfer is a transaction
  of its own, so what it pays per transaction dominates: PL/pgSQL builds the state of every expression it
  evaluates once per transaction, and ledger_create_transfers evaluates about 130 of them to post one transfer.
  It does the same checks, in the same order, with the same error codes. It takes the shared turn like any small
  call (so large batches still exclude it); it looks the client id up first, then updates the two balance rows in
  id order (the UPDATE takes the row lock and returns the changed row, the checks read the balance before the
  change from it) and moves them back in the same transaction when the transfer is refused (nobody sees either
  version): four statements on the happy path and no separate row-lock records. A concurrent first use of its
  client id is handled without a subtransaction (ON CONFLICT DO NOTHING: the insert waits for the other
  transaction and nothing else has been written yet). No SET clause: entering and leaving one costs every call,
  and the plans of its short statements go generic by themselves.
- ledger_seal hashes the next block of surely-committed transfers into the chain, outside any posting
  transaction. ledger_seal_horizon bounds the block by the transactions of this database only:
  pg_snapshot_xmin(pg_current_snapshot()) is the oldest transaction running anywhere in the cluster, and one
  long transaction in another database (a report, a test run, an idle session) held every seal back. When the
  sealer may see every session's transaction id (superuser or pg_read_all_stats) it takes the oldest among this
  database's sessions and prepared transactions, bounded by the next id to be assigned (read first: a
  transaction that gets its id after that read gets a larger one); otherwise the cluster-wide xmin, which is
  always safe.
- The digest and text helpers only read, so they are PARALLEL SAFE: PostgreSQL may split verify's scans of
  transfers and entries across parallel workers (an unmarked function keeps a whole query in one process).

Advisory lock keys: 74130001 serializes the sealer; 74130002 is the posting turn (shared for small calls and
single transfers, exclusive for large batches).

What the replaced migrations did, in order: 0001 tables; 0002 append-only triggers, txid, posting and sealing
functions; 0003 no foreign keys, fillfactor 80, BRIN on txid, accounts never deleted; 0004 large batches take
turns, client_id collation "C"; 0005 lean single transfers and generic plans; 0006 binary digests (encoding 2);
0007 PARALLEL SAFE helpers; 0008 ledger_transfer_one; 0009 seal horizon per database; 0010 shorter turns,
leaner singles, no "_like" indexes, fillfactor 50; 0011 the plain batch loop.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

STORAGE = r"""
-- bigint, not xid8: xid8 has no BRIN operator class. Same decimal text, so digests do not depend on it.
ALTER TABLE ledger_transfer ADD COLUMN txid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
ALTER TABLE ledger_transfer ALTER COLUMN created_at SET DEFAULT now();
CREATE INDEX ledger_transfer_txid_brin ON ledger_transfer USING brin (txid)
    WITH (pages_per_range = 16, autosummarize = on);
-- half of each page kept free for HOT updates of the balance rows (see the module docstring)
ALTER TABLE ledger_account SET (fillfactor = 50);
-- new seals hash the binary form of the transfer row (encoding 2)
ALTER TABLE ledger_seal ALTER COLUMN encoding SET DEFAULT 2;

-- the varchar_pattern_ops ("_like") indexes Django made beside the unique client_id and code (created just before
-- this by _create_deferred_indexes): nothing uses them
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT i.indexrelid::regclass::text AS name
               FROM pg_index i
               JOIN pg_opclass o ON o.oid = ANY (i.indclass::oid[])
              WHERE i.indrelid IN ('ledger_transfer'::regclass, 'ledger_account'::regclass)
                AND o.opcname IN ('varchar_pattern_ops', 'text_pattern_ops')
    LOOP
        EXECUTE 'DROP INDEX ' || r.name;
    END LOOP;
END $$;
"""

# The tables (and the txid column, the BRIN index, the defaults) go with the models when this is reversed.
UNDO_STORAGE = migrations.RunSQL.noop

APPEND_ONLY = r"""
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Correct a transfer with a new reversing transfer.';
END $$;

CREATE TRIGGER ledger_transfer_append_only BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_seal_append_only BEFORE UPDATE OR DELETE ON ledger_seal
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_refuse_account_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger: accounts are never deleted (close them instead)' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_account_never_deleted BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_account_delete();
"""

UNDO_APPEND_ONLY = r"""
DROP TRIGGER ledger_account_never_deleted ON ledger_account;
DROP FUNCTION ledger_refuse_account_delete();
DROP TRIGGER ledger_seal_append_only ON ledger_seal;
DROP TRIGGER ledger_entry_append_only ON ledger_entry;
DROP TRIGGER ledger_transfer_append_only ON ledger_transfer;
DROP FUNCTION ledger_refuse_change();
"""

DIGESTS = r"""
-- Encoding 2: sha256 of record_send() of the transfer row (integers and times in binary; text as UTF-8 bytes so
-- that no client encoding can change it; jsonb in its canonical text), without its entries.
CREATE FUNCTION ledger_transfer_digest(t ledger_transfer) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(record_send(ROW(
        t.id, convert_to(t.client_id, 'UTF8'), t.request_hash, convert_to(t.ledger, 'UTF8'), t.debit_account_id,
        t.credit_account_id, t.amount, convert_to(t.code, 'UTF8'), convert_to(t.phase, 'UTF8'), t.pending_id,
        t.reverses_id, t.expires_at, convert_to(t.memo::text, 'UTF8'), t.created_at, t.txid)))
$$;

-- The deterministic text a transfer (and its entries) is hashed from in encoding 1, shared by the sealer and verify.
-- Only integers, text, booleans and jsonb (whose text form is canonical) appear; times as epoch seconds, so
-- the encoding does not depend on the session's TimeZone or DateStyle.
CREATE FUNCTION ledger_transfer_text(t ledger_transfer) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ROW(t.id, t.client_id, encode(t.request_hash, 'hex'), t.ledger, t.debit_account_id,
               t.credit_account_id, t.amount, t.code, t.phase, t.pending_id, t.reverses_id,
               extract(epoch FROM t.expires_at), t.memo, extract(epoch FROM t.created_at), t.txid)::text
$$;
CREATE FUNCTION ledger_entry_text(e ledger_entry) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ROW(e.account_id, e.is_debit, e.posted, e.pending)::text
$$;
-- Encoding 1, as the first seals computed it (text of the transfer and of its entries): seals made with it are
-- verified as they were made.
CREATE FUNCTION ledger_transfer_digest_v1(t ledger_transfer) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(convert_to(ledger_transfer_text(t) || '|' || coalesce(
        (SELECT string_agg(ledger_entry_text(e), '|' ORDER BY e.is_debit DESC)
           FROM ledger_entry e WHERE e.transfer_id = t.id), ''), 'UTF8'))
$$;

-- The two entries a transfer must have (what ledger_create_transfers writes), from the transfer row alone
-- (a post also reads the amount its pending transfer held). Inlined by the planner into verify's queries.
CREATE FUNCTION ledger_implied_entries(t ledger_transfer)
RETURNS TABLE (is_debit boolean, account_id bigint, posted bigint, pending bigint) LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT s.deb, CASE WHEN s.deb THEN t.debit_account_id ELSE t.credit_account_id END,
           CASE WHEN t.phase IN ('posted', 'post') THEN t.amount ELSE 0 END,
           CASE t.phase WHEN 'posted' THEN 0
                        WHEN 'pending' THEN t.amount
                        WHEN 'post' THEN -(SELECT p.amount FROM ledger_transfer p WHERE p.id = t.pending_id)
                        ELSE -t.amount END
      FROM (VALUES (true), (false)) AS s(deb)
$$;
"""

UNDO_DIGESTS = r"""
DROP FUNCTION ledger_implied_entries(ledger_transfer);
DROP FUNCTION ledger_transfer_digest_v1(ledger_transfer);
DROP FUNCTION ledger_entry_text(ledger_entry);
DROP FUNCTION ledger_transfer_text(ledger_transfer);
DROP FUNCTION ledger_transfer_digest(ledger_transfer);
"""

SEAL = r"""
-- The oldest transaction id that may still insert a transfer in this database (see the module docstring).
CREATE FUNCTION ledger_seal_horizon() RETURNS bigint LANGUAGE plpgsql AS $fn$
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

-- Seal the next block: transfers whose transaction id lies in [previous seal's xid_to, v_to), where v_to is at
-- most the horizon below which every transaction of this database has finished. Returns how many transfers were
-- sealed (0: nothing new and surely committed).
CREATE FUNCTION ledger_seal(p_max integer DEFAULT 50000) RETURNS integer LANGUAGE plpgsql AS $fn$
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

UNDO_SEAL = "DROP FUNCTION ledger_seal(integer);\nDROP FUNCTION ledger_seal_horizon();"

# Request kinds (p_kinds): 0 = a new transfer (posted, or pending when p_pending), 1 = post a pending transfer,
# 2 = void it, 3 = expire it (internal, from expire_pending). p_errors carries errors found in Python (types,
# ranges) so that linked-chain logic lives in one place.
CREATE_TRANSFERS = r"""
CREATE FUNCTION ledger_create_transfers(
    p_client_ids text[], p_hashes bytea[], p_debits bigint[], p_credits bigint[], p_amounts bigint[],
    p_ledgers text[], p_codes text[], p_kinds smallint[], p_pending boolean[], p_timeouts integer[],
    p_targets bigint[], p_reverses bigint[], p_linked boolean[], p_memos text[], p_errors text[],
    p_now timestamptz DEFAULT NULL)
RETURNS TABLE (idx integer, transfer_id bigint, replayed boolean, error text,
               debit_id bigint, d_dp bigint, d_cp bigint, d_dpe bigint, d_cpe bigint,
               credit_id bigint, c_dp bigint, c_cp bigint, c_dpe bigint, c_cpe bigint)
LANGUAGE plpgsql
-- One generic plan per statement, made once per session: replanning each statement for every single transfer
-- cost more than running it. Such a plan must never seq-scan the accounts or transfers (millions of rows) to find
-- a few, whatever the batch size: only index lookups here.
SET enable_seqscan = off SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
    n integer := coalesce(cardinality(p_client_ids), 0);
    c_max_amount CONSTANT bigint := 1000000000000000;      -- 10^15, below 2^53: safe in JavaScript too
    c_max_balance CONSTANT bigint := 4611686018427387904;  -- 2^62: sums never overflow bigint
    v_now timestamptz := coalesce(p_now, clock_timestamp());
    v_attempt integer := 0;
    v_exclusive boolean;
    v_void text;
    v_xid bigint; v_xhash bytea; v_txid bigint; v_distinct boolean; v_plain boolean;
    v_has_refs boolean;
    v_any_timeout boolean; v_any_resolution boolean;
    -- transfers referenced by the batch (pending targets, reversed originals); immutable, read once
    r_id bigint[]; r_debit bigint[]; r_credit bigint[]; r_amount bigint[]; r_ledger text[]; r_phase text[];
    r_expires timestamptz[]; r_resolution text[]; r_reversed bigint[];
    tk integer[]; rk integer[];
    e_debit bigint[]; e_credit bigint[];
    -- the locked accounts, in id order, and their balances as loaded
    a_id bigint[]; a_ledger text[]; a_closed boolean[]; a_dnec boolean[]; a_cned boolean[]; a_limit bigint[];
    a_dp bigint[]; a_cp bigint[]; a_dpe bigint[]; a_cpe bigint[];
    o_dp bigint[]; o_cp bigint[]; o_dpe bigint[]; o_cpe bigint[];
    dk integer[]; ck integer[];
    x_id bigint[]; x_hash bytea[]; first_i integer[];
    ids bigint[];
    -- per request results
    res_tid bigint[]; res_new boolean[]; res_rep boolean[]; res_err text[]; res_phase text[]; res_ledger text[];
    res_amount bigint[]; res_posted bigint[]; res_pend bigint[]; res_expires timestamptz[];
    b_ddp bigint[]; b_dcp bigint[]; b_ddpe bigint[]; b_dcpe bigint[];
    b_cdp bigint[]; b_ccp bigint[]; b_cdpe bigint[]; b_ccpe bigint[];
    chain_start integer := 0; chain_failed boolean := false;
    i integer; j integer; d integer; c integer; t integer; r integer; k smallint;
    amt bigint; rel bigint; po bigint; pe bigint; err text;
BEGIN
    IF n = 0 THEN RETURN; END IF;
    -- Large batches take turns (an exclusive lock, held to commit); small ones and single transfers share it.
    -- Two random batches of thousands of transfers almost always share an account, so they would run one after
    -- the other anyway, but through a convoy of row-lock waits and re-checks of rows the previous batch
    -- changed; taking turns up front avoids that work. Singles keep running side by side.
    -- Holding the lock exclusively, no other posting can touch any balance until we commit (every balance
    -- change goes through this function), so a large batch reads its accounts without row locks.
    -- A large batch does, before its turn (while the previous batch holds the lock), everything that no other
    -- posting can change: which of its accounts exist and where each request's accounts sit among them
    -- (accounts are never deleted), the referenced transfers (immutable), earlier transfers with its client
    -- ids, its new ids. In its turn it reads only what postings change (balances, closed flags, the state of
    -- referenced transfers), so the turns are shorter. A transfer with one of its client ids that commits
    -- while it waits makes its insert fail with unique_violation: the block then runs again and finds it, as
    -- for any concurrent first use of a client id.
    v_exclusive := n > 64;
    -- Small calls (single transfers above all) skip every statement they do not need: each costs more than
    -- the work it would do for one or two rows.
    v_has_refs := cardinality(array_remove(p_targets, NULL)) + cardinality(array_remove(p_reverses, NULL)) > 0;
    LOOP
    v_attempt := v_attempt + 1;
    BEGIN
        IF NOT v_exclusive THEN
            v_void := pg_advisory_xact_lock_shared(74130002)::text;  -- an assignment: no query executor for one call
        END IF;
        -- 1. Referenced transfers: rows never change, so no lock is needed to read them.
        r_id := NULL;
        IF v_has_refs THEN
        SELECT array_agg(t.id), array_agg(t.debit_account_id), array_agg(t.credit_account_id), array_agg(t.amount),
               array_agg(t.ledger), array_agg(t.phase), array_agg(t.expires_at)
          INTO r_id, r_debit, r_credit, r_amount, r_ledger, r_phase, r_expires
          FROM (SELECT * FROM ledger_transfer
                 WHERE id IN (SELECT unnest(p_targets) UNION SELECT unnest(p_reverses)) ORDER BY id) t;
        END IF;
        IF r_id IS NULL THEN
            tk := array_fill(0, ARRAY[n]); rk := tk;
            e_debit := p_debits; e_credit := p_credits;
        ELSE
            SELECT array_agg(coalesce(a.k, 0)::integer ORDER BY q.i), array_agg(coalesce(b.k, 0)::integer ORDER BY q.i)
              INTO tk, rk
              FROM unnest(p_targets, p_reverses) WITH ORDINALITY q(tg, rv, i)
              LEFT JOIN unnest(r_id) WITH ORDINALITY a(id, k) ON a.id = q.tg
              LEFT JOIN unnest(r_id) WITH ORDINALITY b(id, k) ON b.id = q.rv;
            -- post/void take the pending transfer's accounts; a reversal swaps the original's
            SELECT array_agg(CASE WHEN q.d <> 0 THEN q.d WHEN q.kind > 0 AND q.t > 0 THEN r_debit[q.t]
                                  WHEN q.kind = 0 AND q.rv > 0 THEN r_credit[q.rv] ELSE q.d END ORDER BY q.i),
                   array_agg(CASE WHEN q.c <> 0 THEN q.c WHEN q.kind > 0 AND q.t > 0 THEN r_credit[q.t]
                                  WHEN q.kind = 0 AND q.rv > 0 THEN r_debit[q.rv] ELSE q.c END ORDER BY q.i)
              INTO e_debit, e_credit
              FROM unnest(p_debits, p_credits, p_kinds, tk, rk) WITH ORDINALITY q(d, c, kind, t, rv, i);
        END IF;

        -- 2. Lock every account of the batch in id order: concurrent batches queue, never deadlock. (A large
        --    batch only learns here which of its accounts exist; it reads them in its turn, below.)
        a_id := NULL;
        -- (one sort, in the subquery: the aggregates take its order)
        IF v_exclusive THEN
            a_id := ARRAY(SELECT a.id FROM ledger_account a WHERE a.id = ANY (e_debit || e_credit) ORDER BY a.id);
            IF cardinality(a_id) = 0 THEN a_id := NULL; END IF;
        ELSE
            SELECT array_agg(a.id), array_agg(a.ledger), array_agg(a.closed), array_agg(a.debits_must_not_exceed_credits),
                   array_agg(a.credits_must_not_exceed_debits), array_agg(a.credit_limit), array_agg(a.debits_posted),
                   array_agg(a.credits_posted), array_agg(a.debits_pending), array_agg(a.credits_pending)
              INTO a_id, a_ledger, a_closed, a_dnec, a_cned, a_limit, a_dp, a_cp, a_dpe, a_cpe
              FROM (SELECT * FROM ledger_account WHERE id = ANY (e_debit || e_credit) ORDER BY id FOR UPDATE) a;
        END IF;
        IF a_id IS NULL THEN
            dk := array_fill(0, ARRAY[n]); ck := dk;
        ELSIF n <= 8 THEN
            dk := array_fill(0, ARRAY[n]); ck := dk;
            FOR i IN 1 .. n LOOP
                dk[i] := coalesce(array_position(a_id, e_debit[i]), 0);
                ck[i] := coalesce(array_position(a_id, e_credit[i]), 0);
            END LOOP;
        ELSE
            SELECT array_agg(coalesce(x.k, 0)::integer ORDER BY q.i), array_agg(coalesce(y.k, 0)::integer ORDER BY q.i)
              INTO dk, ck
              FROM unnest(e_debit, e_credit) WITH ORDINALITY q(d, c, i)
              LEFT JOIN unnest(a_id) WITH ORDINALITY x(id, k) ON x.id = q.d
              LEFT JOIN unnest(a_id) WITH ORDINALITY y(id, k) ON y.id = q.c;
        END IF;

        -- 3. Earlier results for these client ids; then, under the locks, the state of referenced transfers.
        IF n = 1 THEN
            v_xid := NULL; v_xhash := NULL;
            SELECT t.id, t.request_hash INTO v_xid, v_xhash FROM ledger_transfer t WHERE t.client_id = p_client_ids[1];
            x_id := ARRAY[v_xid]; x_hash := ARRAY[v_xhash];
        ELSE
            SELECT array_agg(t.id ORDER BY q.i), array_agg(t.request_hash ORDER BY q.i) INTO x_id, x_hash
              FROM unnest(p_client_ids) WITH ORDINALITY q(cid, i)
              LEFT JOIN ledger_transfer t ON t.client_id = q.cid;
        END IF;
        IF n > 1 THEN
            SELECT array_agg(s.f::integer ORDER BY s.i), bool_and(s.f = s.i) INTO first_i, v_distinct
              FROM (SELECT q.i, min(q.i) OVER (PARTITION BY q.cid) AS f
                      FROM unnest(p_client_ids) WITH ORDINALITY q(cid, i)) s;
        ELSE
            first_i := ARRAY[1]; v_distinct := true;
        END IF;
        -- A plain batch: only new transfers (no pending target, no reversal), none linked, none refused in
        -- Python, no client id seen before or twice. Step 4 then runs the same checks, in the same order, with
        -- the branches that cannot apply left out (most batches are plain).
        v_plain := v_distinct AND NOT v_has_refs AND NOT (true = ANY (p_linked)) AND NOT (0 <> ANY (p_kinds))
                   AND cardinality(array_remove(p_errors, NULL)) = 0 AND cardinality(array_remove(x_id, NULL)) = 0;
        IF n = 1 THEN
            ids := ARRAY[nextval('ledger_transfer_id_seq')];
        ELSE
            ids := ARRAY(SELECT nextval('ledger_transfer_id_seq') FROM generate_series(1, n));
        END IF;
        IF v_exclusive THEN
            -- Our turn: no other posting can change a balance until we commit, so the rows are read without row
            -- locks, as the previous batch committed them.
            v_void := pg_advisory_xact_lock(74130002)::text;
            SELECT array_agg(a.ledger), array_agg(a.closed), array_agg(a.debits_must_not_exceed_credits),
                   array_agg(a.credits_must_not_exceed_debits), array_agg(a.credit_limit), array_agg(a.debits_posted),
                   array_agg(a.credits_posted), array_agg(a.debits_pending), array_agg(a.credits_pending)
              INTO a_ledger, a_closed, a_dnec, a_cned, a_limit, a_dp, a_cp, a_dpe, a_cpe
              FROM (SELECT * FROM ledger_account WHERE id = ANY (a_id) ORDER BY id) a;
        END IF;
        o_dp := a_dp; o_cp := a_cp; o_dpe := a_dpe; o_cpe := a_cpe;
        IF r_id IS NOT NULL THEN
            SELECT array_agg((SELECT p.phase FROM ledger_transfer p WHERE p.pending_id = q.id) ORDER BY q.k),
                   array_agg((SELECT coalesce(sum(v.amount), 0) FROM ledger_transfer v WHERE v.reverses_id = q.id)
                             ORDER BY q.k)
              INTO r_resolution, r_reversed
              FROM unnest(r_id) WITH ORDINALITY q(id, k);
        END IF;

        res_tid := array_fill(NULL::bigint, ARRAY[n]); res_new := array_fill(false, ARRAY[n]);
        res_rep := res_new; res_err := array_fill(NULL::text, ARRAY[n]); res_phase := res_err;
        res_ledger := res_err; res_amount := res_tid; res_posted := res_tid; res_pend := res_tid;
        res_expires := array_fill(NULL::timestamptz, ARRAY[n]);
        b_ddp := res_tid; b_dcp := res_tid; b_ddpe := res_tid; b_dcpe := res_tid;
        b_cdp := res_tid; b_ccp := res_tid; b_cdpe := res_tid; b_ccpe := res_tid;
        chain_start := 0; chain_failed := false; v_any_timeout := false; v_any_resolution := false;

        -- 4. Each request in order, against the balances in memory.
        IF v_plain THEN
        FOR i IN 1 .. n LOOP
            d := dk[i]; c := ck[i]; amt := p_amounts[i]; err := NULL;
            IF p_debits[i] = p_credits[i] AND p_debits[i] <> 0 THEN err := 'SAME_ACCOUNT';
            ELSIF p_timeouts[i] IS NOT NULL AND (NOT p_pending[i] OR p_timeouts[i] <= 0) THEN err := 'FIELDS_INVALID';
            ELSIF amt IS NULL OR amt <= 0 OR amt > c_max_amount THEN err := 'AMOUNT_INVALID';
            ELSIF d = 0 OR c = 0 THEN err := 'ACCOUNT_NOT_FOUND';
            ELSIF d = c THEN err := 'SAME_ACCOUNT';
            ELSIF a_ledger[d] <> a_ledger[c] OR (p_ledgers[i] <> '' AND p_ledgers[i] <> a_ledger[d]) THEN
                err := 'LEDGER_MISMATCH';
            ELSIF a_closed[d] OR a_closed[c] THEN err := 'ACCOUNT_CLOSED';
            ELSIF (a_dnec[d] OR a_limit[d] IS NOT NULL)
                  AND a_dp[d] + a_dpe[d] + amt > a_cp[d] + coalesce(a_limit[d], 0) THEN
                err := CASE WHEN a_limit[d] IS NULL THEN 'EXCEEDS_CREDITS' ELSE 'EXCEEDS_CREDIT_LIMIT' END;
            ELSIF a_cned[c] AND a_cp[c] + a_cpe[c] + amt > a_dp[c] THEN err := 'EXCEEDS_DEBITS';
            ELSIF a_dp[d] + a_dpe[d] + amt > c_max_balance OR a_cp[c] + a_cpe[c] + amt > c_max_balance THEN
                err := 'OVERFLOW';
            END IF;
            IF err IS NULL THEN
                IF p_pending[i] THEN
                    po := 0; pe := amt; res_phase[i] := 'pending';
                    IF p_timeouts[i] IS NOT NULL THEN
                        res_expires[i] := now() + make_interval(secs => p_timeouts[i]);
                        v_any_timeout := true;
                    END IF;
                ELSE
                    po := amt; pe := 0; res_phase[i] := 'posted';
                END IF;
                a_dp[d] := a_dp[d] + po; a_cp[c] := a_cp[c] + po;
                a_dpe[d] := a_dpe[d] + pe; a_cpe[c] := a_cpe[c] + pe;
                res_new[i] := true; res_tid[i] := ids[i]; res_amount[i] := amt;
                res_posted[i] := po; res_pend[i] := pe; res_ledger[i] := a_ledger[d];
                b_ddp[i] := a_dp[d]; b_dcp[i] := a_cp[d]; b_ddpe[i] := a_dpe[d]; b_dcpe[i] := a_cpe[d];
                b_cdp[i] := a_dp[c]; b_ccp[i] := a_cp[c]; b_cdpe[i] := a_dpe[c]; b_ccpe[i] := a_cpe[c];
            ELSE
                res_err[i] := err;
            END IF;
        END LOOP;
        ELSE
        FOR i IN 1 .. n LOOP
            IF p_linked[i] AND chain_start = 0 THEN
                chain_start := i; chain_failed := false;
            END IF;
            IF chain_start > 0 AND chain_failed THEN
                res_err[i] := 'LINKED_EVENT_FAILED';
            ELSE
                err := p_errors[i]; d := dk[i]; c := ck[i]; k := p_kinds[i];
                IF err IS NOT NULL THEN
                    NULL;
                ELSIF x_id[i] IS NOT NULL THEN
                    IF x_hash[i] = p_hashes[i] THEN
                        res_rep[i] := true; res_tid[i] := x_id[i];
                    ELSE
                        err := 'IDEMPOTENCY_MISMATCH';
                    END IF;
                ELSIF first_i[i] <> i THEN
                    j := first_i[i];
                    IF p_hashes[j] IS DISTINCT FROM p_hashes[i] THEN err := 'IDEMPOTENCY_MISMATCH';
                    ELSIF res_err[j] IS NOT NULL THEN err := res_err[j];
                    ELSE res_rep[i] := true; res_tid[i] := res_tid[j];
                    END IF;
                ELSIF k = 0 THEN
                    amt := p_amounts[i]; r := rk[i];
                    -- a reversal of amount 0 reverses what is left of the original, decided under the lock
                    IF amt = 0 AND p_reverses[i] IS NOT NULL AND r > 0 AND r_phase[r] IN ('posted', 'post') THEN
                        amt := r_amount[r] - r_reversed[r];
                        IF amt <= 0 THEN err := 'REVERSAL_EXCEEDS_ORIGINAL'; END IF;
                    END IF;
                    IF err IS NOT NULL THEN NULL;
                    ELSIF p_debits[i] = p_credits[i] AND p_debits[i] <> 0 THEN err := 'SAME_ACCOUNT';
                    ELSIF p_targets[i] IS NOT NULL
                          OR (p_timeouts[i] IS NOT NULL AND (NOT p_pending[i] OR p_timeouts[i] <= 0))
                          OR (p_reverses[i] IS NOT NULL AND p_pending[i]) THEN err := 'FIELDS_INVALID';
                    ELSIF p_reverses[i] IS NOT NULL AND (r = 0 OR r_phase[r] NOT IN ('posted', 'post')) THEN
                        err := 'TRANSFER_NOT_FOUND';
                    ELSIF amt IS NULL OR amt <= 0 OR amt > c_max_amount THEN err := 'AMOUNT_INVALID';
                    ELSIF d = 0 OR c = 0 THEN err := 'ACCOUNT_NOT_FOUND';
                    ELSIF d = c THEN err := 'SAME_ACCOUNT';
                    ELSIF a_ledger[d] <> a_ledger[c] OR (p_ledgers[i] <> '' AND p_ledgers[i] <> a_ledger[d]) THEN
                        err := 'LEDGER_MISMATCH';
                    ELSIF a_closed[d] OR a_closed[c] THEN err := 'ACCOUNT_CLOSED';
                    ELSIF p_reverses[i] IS NOT NULL
                          AND (e_debit[i] <> r_credit[r] OR e_credit[i] <> r_debit[r]) THEN err := 'FIELDS_INVALID';
                    ELSIF p_reverses[i] IS NOT NULL AND amt > r_amount[r] - r_reversed[r] THEN
                        err := 'REVERSAL_EXCEEDS_ORIGINAL';
                    ELSIF (a_dnec[d] OR a_limit[d] IS NOT NULL)
                          AND a_dp[d] + a_dpe[d] + amt > a_cp[d] + coalesce(a_limit[d], 0) THEN
                        err := CASE WHEN a_limit[d] IS NULL THEN 'EXCEEDS_CREDITS' ELSE 'EXCEEDS_CREDIT_LIMIT' END;
                    ELSIF a_cned[c] AND a_cp[c] + a_cpe[c] + amt > a_dp[c] THEN err := 'EXCEEDS_DEBITS';
                    ELSIF a_dp[d] + a_dpe[d] + amt > c_max_balance OR a_cp[c] + a_cpe[c] + amt > c_max_balance THEN
                        err := 'OVERFLOW';
                    ELSE
                        IF p_pending[i] THEN
                            po := 0; pe := amt; res_phase[i] := 'pending';
                            IF p_timeouts[i] IS NOT NULL THEN
                                res_expires[i] := now() + make_interval(secs => p_timeouts[i]);
                                v_any_timeout := true;
                            END IF;
                        ELSE
                            po := amt; pe := 0; res_phase[i] := 'posted';
                        END IF;
                        IF r > 0 THEN r_reversed[r] := r_reversed[r] + amt; END IF;
                    END IF;
                ELSE
                    t := tk[i];
                    IF p_targets[i] IS NULL OR t = 0 OR r_phase[t] <> 'pending' THEN err := 'PENDING_NOT_FOUND';
                    ELSIF p_pending[i] OR p_reverses[i] IS NOT NULL OR p_timeouts[i] IS NOT NULL
                          OR (p_debits[i] <> 0 AND p_debits[i] <> r_debit[t])
                          OR (p_credits[i] <> 0 AND p_credits[i] <> r_credit[t])
                          OR (p_ledgers[i] <> '' AND p_ledgers[i] <> r_ledger[t])
                          OR p_amounts[i] < 0
                          OR (k > 1 AND p_amounts[i] <> 0 AND p_amounts[i] <> r_amount[t]) THEN err := 'FIELDS_INVALID';
                    ELSIF r_resolution[t] = 'expire' THEN err := 'PENDING_EXPIRED';
                    ELSIF r_resolution[t] IS NOT NULL THEN err := 'PENDING_ALREADY_RESOLVED';
                    ELSIF k = 3 AND (r_expires[t] IS NULL OR r_expires[t] > v_now) THEN err := 'FIELDS_INVALID';
                    ELSIF k < 3 AND r_expires[t] IS NOT NULL AND r_expires[t] <= v_now THEN err := 'PENDING_EXPIRED';
                    ELSIF k = 1 AND p_amounts[i] > r_amount[t] THEN err := 'POST_EXCEEDS_PENDING';
                    ELSIF d = 0 OR c = 0 THEN err := 'ACCOUNT_NOT_FOUND';
                    ELSE
                        rel := r_amount[t];
                        IF k = 1 THEN
                            amt := CASE WHEN p_amounts[i] = 0 THEN rel ELSE p_amounts[i] END;
                            po := amt; res_phase[i] := 'post';
                        ELSE
                            amt := rel; po := 0; res_phase[i] := CASE WHEN k = 2 THEN 'void' ELSE 'expire' END;
                        END IF;
                        pe := -rel;
                        r_resolution[t] := res_phase[i];
                        v_any_resolution := true;
                    END IF;
                END IF;

                IF err IS NULL AND NOT res_rep[i] THEN
                    a_dp[d] := a_dp[d] + po; a_cp[c] := a_cp[c] + po;
                    a_dpe[d] := a_dpe[d] + pe; a_cpe[c] := a_cpe[c] + pe;
                    res_new[i] := true; res_tid[i] := ids[i]; res_amount[i] := amt;
                    res_posted[i] := po; res_pend[i] := pe; res_ledger[i] := a_ledger[d];
                END IF;
                IF err IS NULL AND d > 0 AND c > 0 THEN
                    b_ddp[i] := a_dp[d]; b_dcp[i] := a_cp[d]; b_ddpe[i] := a_dpe[d]; b_dcpe[i] := a_cpe[d];
                    b_cdp[i] := a_dp[c]; b_ccp[i] := a_cp[c]; b_cdpe[i] := a_dpe[c]; b_ccpe[i] := a_cpe[c];
                END IF;
                IF err IS NOT NULL THEN
                    res_err[i] := err;
                    IF chain_start > 0 THEN
                        -- undo the chain's earlier members, newest first; replays of committed transfers stay
                        chain_failed := true;
                        FOR j IN REVERSE i - 1 .. chain_start LOOP
                            IF res_new[j] THEN
                                d := dk[j]; c := ck[j];
                                a_dp[d] := a_dp[d] - res_posted[j]; a_cp[c] := a_cp[c] - res_posted[j];
                                a_dpe[d] := a_dpe[d] - res_pend[j]; a_cpe[c] := a_cpe[c] - res_pend[j];
                                IF p_kinds[j] > 0 THEN r_resolution[tk[j]] := NULL;
                                ELSIF rk[j] > 0 THEN r_reversed[rk[j]] := r_reversed[rk[j]] - res_amount[j];
                                END IF;
                                res_new[j] := false; res_tid[j] := NULL; res_err[j] := 'LINKED_EVENT_FAILED';
                            ELSIF res_rep[j] AND x_id[j] IS NULL THEN
                                res_rep[j] := false; res_tid[j] := NULL; res_err[j] := 'LINKED_EVENT_FAILED';
                            END IF;
                        END LOOP;
                    END IF;
                END IF;
            END IF;
            IF chain_start > 0 AND NOT p_linked[i] THEN chain_start := 0; END IF;
        END LOOP;
        END IF;

        v_txid := pg_current_xact_id()::text::bigint;  -- the column's default, computed once (not per row)
        -- 5. Write, in one statement: transfers, their two entries each, the changed balances; then the
        --    open-pending index if a timeout or a resolution is involved.
        WITH q AS MATERIALIZED (
            SELECT * FROM unnest(res_tid, p_client_ids, p_hashes, res_ledger, e_debit, e_credit, res_amount, p_codes,
                                 res_phase, p_kinds, p_targets, p_reverses, res_expires, p_memos, res_posted, res_pend,
                                 res_new)
                AS q(tid, cid, h, lg, d, c, amt, code, ph, kind, tg, rv, exp, memo, po, pe, new)
             WHERE q.new),
        t AS (
            INSERT INTO ledger_transfer (id, client_id, request_hash, ledger, debit_account_id, credit_account_id,
                                         amount, code, phase, pending_id, reverses_id, expires_at, memo, created_at,
                                         txid)
            SELECT q.tid, q.cid, q.h, q.lg, q.d, q.c, q.amt, coalesce(q.code, ''), q.ph,
                   CASE WHEN q.kind > 0 THEN q.tg END, q.rv, q.exp, coalesce(q.memo, '{}')::jsonb, now(), v_txid
              FROM q),
        e AS (
            INSERT INTO ledger_entry (transfer_id, is_debit, account_id, posted, pending)
            SELECT q.tid, s.deb, CASE WHEN s.deb THEN q.d ELSE q.c END, q.po, q.pe
              FROM q CROSS JOIN (VALUES (true), (false)) AS s(deb))
        UPDATE ledger_account a
           SET debits_posted = u.dp, credits_posted = u.cp, debits_pending = u.dpe, credits_pending = u.cpe
          FROM unnest(a_id, a_dp, a_cp, a_dpe, a_cpe, o_dp, o_cp, o_dpe, o_cpe)
               AS u(id, dp, cp, dpe, cpe, odp, ocp, odpe, ocpe)
         WHERE a.id = u.id AND (u.dp, u.cp, u.dpe, u.cpe) IS DISTINCT FROM (u.odp, u.ocp, u.odpe, u.ocpe);
        IF v_any_timeout THEN
            INSERT INTO ledger_open_pending (transfer_id, expires_at)
            SELECT q.tid, q.exp FROM unnest(res_tid, res_expires, res_new) AS q(tid, exp, new)
             WHERE q.new AND q.exp IS NOT NULL;
        END IF;
        IF v_any_resolution THEN
            DELETE FROM ledger_open_pending
             WHERE transfer_id IN (SELECT q.tg FROM unnest(p_targets, p_kinds, res_new) AS q(tg, kind, new)
                                    WHERE q.new AND q.kind > 0);
        END IF;

        IF n <= 16 THEN
            FOR i IN 1 .. n LOOP
                idx := i; transfer_id := res_tid[i]; replayed := res_rep[i]; error := res_err[i];
                debit_id := CASE WHEN b_ddp[i] IS NOT NULL THEN e_debit[i] END;
                d_dp := b_ddp[i]; d_cp := b_dcp[i]; d_dpe := b_ddpe[i]; d_cpe := b_dcpe[i];
                credit_id := CASE WHEN b_ddp[i] IS NOT NULL THEN e_credit[i] END;
                c_dp := b_cdp[i]; c_cp := b_ccp[i]; c_dpe := b_cdpe[i]; c_cpe := b_ccpe[i];
                RETURN NEXT;
            END LOOP;
            RETURN;
        END IF;
        RETURN QUERY
        SELECT q.i::integer, q.tid, q.rep, q.err,
               CASE WHEN q.bd IS NOT NULL THEN q.d END, q.bd, q.bc, q.bdp, q.bcp,
               CASE WHEN q.bd IS NOT NULL THEN q.c END, q.cd, q.cc, q.cdp, q.ccp
          FROM unnest(res_tid, res_rep, res_err, e_debit, b_ddp, b_dcp, b_ddpe, b_dcpe,
                      e_credit, b_cdp, b_ccp, b_cdpe, b_ccpe) WITH ORDINALITY
               AS q(tid, rep, err, d, bd, bc, bdp, bcp, c, cd, cc, cdp, ccp, i);
        RETURN;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent request with one of these client ids committed between our check and our insert;
        -- everything above was rolled back with the block: run again, and it is now a replay or a mismatch
        IF v_attempt >= 3 THEN RAISE; END IF;
    END;
    END LOOP;
END
$fn$;
"""

UNDO_CREATE_TRANSFERS = (
    "DROP FUNCTION ledger_create_transfers(text[], bytea[], bigint[], bigint[], bigint[], text[], text[], smallint[], "
    "boolean[], integer[], bigint[], bigint[], boolean[], text[], text[], timestamptz);"
)

TRANSFER_ONE = r"""
CREATE FUNCTION ledger_transfer_one(
    p_client_id text, p_hash bytea, p_debit bigint, p_credit bigint, p_amount bigint, p_ledger text,
    p_code text, p_pending boolean, p_timeout integer, p_memo text,
    OUT transfer_id bigint, OUT replayed boolean, OUT error text,
    OUT debit_id bigint, OUT d_dp bigint, OUT d_cp bigint, OUT d_dpe bigint, OUT d_cpe bigint,
    OUT credit_id bigint, OUT c_dp bigint, OUT c_cp bigint, OUT c_dpe bigint, OUT c_cpe bigint)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    d ledger_account; c ledger_account; x_id bigint; x_hash bytea; v_exp timestamptz; po bigint; pe bigint;
    v_void text;
BEGIN
    replayed := false;
    v_void := pg_advisory_xact_lock_shared(74130002)::text;
    -- an earlier transfer with this client id: a replay (balances now) or a mismatch, whatever else is asked
    SELECT t.id, t.request_hash INTO x_id, x_hash FROM ledger_transfer t WHERE t.client_id = p_client_id;
    IF x_id IS NULL THEN
        -- the checks of ledger_create_transfers for a new transfer, in its order: first those that need no account
        IF p_debit = p_credit THEN error := 'SAME_ACCOUNT';
        ELSIF p_timeout IS NOT NULL AND (NOT p_pending OR p_timeout <= 0) THEN error := 'FIELDS_INVALID';
        ELSIF p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000000000 THEN error := 'AMOUNT_INVALID';
        END IF;
        IF error IS NOT NULL THEN RETURN; END IF;
        IF p_pending THEN
            po := 0; pe := p_amount;
            IF p_timeout IS NOT NULL THEN v_exp := now() + make_interval(secs => p_timeout); END IF;
        ELSE
            po := p_amount; pe := 0;
        END IF;
        -- The two balances move first, in id order (the order every posting locks accounts in): each UPDATE locks
        -- its row and returns it as changed; the checks read the balances before the change from it (new minus
        -- this transfer). A refused transfer moves them back, in the same transaction: no one else sees either.
        IF p_debit < p_credit THEN
            UPDATE ledger_account a SET debits_posted = a.debits_posted + po, debits_pending = a.debits_pending + pe
             WHERE a.id = p_debit RETURNING * INTO d;
            UPDATE ledger_account a SET credits_posted = a.credits_posted + po, credits_pending = a.credits_pending + pe
             WHERE a.id = p_credit RETURNING * INTO c;
        ELSE
            UPDATE ledger_account a SET credits_posted = a.credits_posted + po, credits_pending = a.credits_pending + pe
             WHERE a.id = p_credit RETURNING * INTO c;
            UPDATE ledger_account a SET debits_posted = a.debits_posted + po, debits_pending = a.debits_pending + pe
             WHERE a.id = p_debit RETURNING * INTO d;
        END IF;
        IF d.id IS NULL OR c.id IS NULL THEN error := 'ACCOUNT_NOT_FOUND';
        ELSIF d.ledger <> c.ledger OR (p_ledger <> '' AND p_ledger <> d.ledger) THEN error := 'LEDGER_MISMATCH';
        ELSIF d.closed OR c.closed THEN error := 'ACCOUNT_CLOSED';
        -- (debits + pending after this transfer) = (before) + amount
        ELSIF (d.debits_must_not_exceed_credits OR d.credit_limit IS NOT NULL)
              AND d.debits_posted + d.debits_pending > d.credits_posted + coalesce(d.credit_limit, 0) THEN
            error := CASE WHEN d.credit_limit IS NULL THEN 'EXCEEDS_CREDITS' ELSE 'EXCEEDS_CREDIT_LIMIT' END;
        ELSIF c.credits_must_not_exceed_debits AND c.credits_posted + c.credits_pending > c.debits_posted THEN
            error := 'EXCEEDS_DEBITS';
        ELSIF d.debits_posted + d.debits_pending > 4611686018427387904
              OR c.credits_posted + c.credits_pending > 4611686018427387904 THEN
            error := 'OVERFLOW';
        END IF;
        IF error IS NULL THEN
            INSERT INTO ledger_transfer (id, client_id, request_hash, ledger, debit_account_id, credit_account_id,
                                         amount, code, phase, expires_at, memo, created_at)
            VALUES (nextval('ledger_transfer_id_seq'), p_client_id, p_hash, d.ledger, p_debit, p_credit, p_amount,
                    coalesce(p_code, ''), CASE WHEN p_pending THEN 'pending' ELSE 'posted' END, v_exp,
                    coalesce(p_memo, '{}')::jsonb, now())
            ON CONFLICT (client_id) DO NOTHING
            RETURNING id INTO transfer_id;
            IF transfer_id IS NOT NULL THEN
                INSERT INTO ledger_entry (transfer_id, is_debit, account_id, posted, pending)
                VALUES (transfer_id, true, p_debit, po, pe), (transfer_id, false, p_credit, po, pe);
                IF v_exp IS NOT NULL THEN
                    INSERT INTO ledger_open_pending (transfer_id, expires_at) VALUES (transfer_id, v_exp);
                END IF;
                debit_id := p_debit; d_dp := d.debits_posted; d_cp := d.credits_posted;
                d_dpe := d.debits_pending; d_cpe := d.credits_pending;
                credit_id := p_credit; c_dp := c.debits_posted; c_cp := c.credits_posted;
                c_dpe := c.debits_pending; c_cpe := c.credits_pending;
                RETURN;
            END IF;
        END IF;
        -- refused, or the client id was taken meanwhile by a transfer that committed (the insert waited for it):
        -- the balances move back
        IF d.id IS NOT NULL THEN
            UPDATE ledger_account a SET debits_posted = a.debits_posted - po, debits_pending = a.debits_pending - pe
             WHERE a.id = p_debit RETURNING * INTO d;
        END IF;
        IF c.id IS NOT NULL THEN
            UPDATE ledger_account a SET credits_posted = a.credits_posted - po, credits_pending = a.credits_pending - pe
             WHERE a.id = p_credit RETURNING * INTO c;
        END IF;
        IF error IS NOT NULL THEN RETURN; END IF;
        SELECT t.id, t.request_hash INTO x_id, x_hash FROM ledger_transfer t WHERE t.client_id = p_client_id;
        IF x_id IS NULL THEN RAISE EXCEPTION 'ledger: client id % conflicts but is not found', p_client_id; END IF;
    ELSE
        SELECT * INTO d FROM ledger_account a WHERE a.id = p_debit;
        SELECT * INTO c FROM ledger_account a WHERE a.id = p_credit;
    END IF;
    IF x_hash = p_hash THEN
        transfer_id := x_id; replayed := true;
        IF d.id IS NOT NULL AND c.id IS NOT NULL THEN
            debit_id := d.id; d_dp := d.debits_posted; d_cp := d.credits_posted;
            d_dpe := d.debits_pending; d_cpe := d.credits_pending;
            credit_id := c.id; c_dp := c.debits_posted; c_cp := c.credits_posted;
            c_dpe := c.debits_pending; c_cpe := c.credits_pending;
        END IF;
    ELSE
        error := 'IDEMPOTENCY_MISMATCH';
    END IF;
END
$fn$;
"""

UNDO_TRANSFER_ONE = (
    "DROP FUNCTION ledger_transfer_one(text, bytea, bigint, bigint, bigint, text, text, boolean, integer, text);"
)


def _create_deferred_indexes(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Run now the statements Django defers to the end of a migration (the models' indexes, among them the
    "_like" ones), so that STORAGE, which runs after this, finds the "_like" indexes to drop."""
    for sql in schema_editor.deferred_sql:
        schema_editor.execute(sql)
    schema_editor.deferred_sql.clear()


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("ledger", "0001_initial"),
        ("ledger", "0002_append_only_and_posting"),
        ("ledger", "0003_fast_posting"),
        ("ledger", "0004_batches_take_turns"),
        ("ledger", "0005_lean_single_transfers"),
        ("ledger", "0006_binary_digests"),
        ("ledger", "0007_parallel_safe_verify"),
        ("ledger", "0008_single_transfer_function"),
        ("ledger", "0009_seal_horizon_per_database"),
        ("ledger", "0010_shorter_turns_leaner_singles"),
        ("ledger", "0011_plain_batch_loop"),
    ]

    dependencies = []

    # Fields in the column order the old migrations left (the foreign keys and ledger_seal.encoding were added
    # last), so that the tables, and the row types the SQL functions take, are the same as theirs.
    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ledger", models.CharField(choices=[("TIME", "时间(分钟)"), ("CNY", "人民币(分)")], max_length=8)),
                ("code", models.CharField(max_length=100, unique=True)),
                ("name", models.CharField(blank=True, default="", max_length=200)),
                ("group", models.CharField(blank=True, db_column="account_group", default="", max_length=100)),
                ("debits_must_not_exceed_credits", models.BooleanField(default=True)),
                ("credits_must_not_exceed_debits", models.BooleanField(default=False)),
                ("credit_limit", models.BigIntegerField(blank=True, null=True)),
                ("closed", models.BooleanField(default=False)),
                ("debits_posted", models.BigIntegerField(default=0)),
                ("credits_posted", models.BigIntegerField(default=0)),
                ("debits_pending", models.BigIntegerField(default=0)),
                ("credits_pending", models.BigIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "db_table": "ledger_account",
                "indexes": [models.Index(condition=models.Q(("group", ""), _negated=True), fields=["group"], name="ledger_account_group_idx")],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("debits_posted__gte", 0), ("credits_posted__gte", 0), ("debits_pending__gte", 0), ("credits_pending__gte", 0)), name="ledger_account_balances_not_negative"),
                    models.CheckConstraint(condition=models.Q(("credit_limit__isnull", True), ("credit_limit__gte", 0), _connector="OR"), name="ledger_account_credit_limit"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Transfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("client_id", models.CharField(db_collation="C", max_length=128, unique=True)),
                ("request_hash", models.BinaryField(max_length=16)),
                ("ledger", models.CharField(choices=[("TIME", "时间(分钟)"), ("CNY", "人民币(分)")], max_length=8)),
                ("amount", models.BigIntegerField()),
                ("code", models.CharField(blank=True, default="", max_length=32)),
                ("phase", models.CharField(choices=[("posted", "已入账"), ("pending", "冻结中"), ("post", "冻结转入账"), ("void", "冻结撤销"), ("expire", "冻结过期")], default="posted", max_length=8)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("memo", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField()),
                ("credit_account", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.account")),
                ("debit_account", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.account")),
                ("pending", models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.transfer")),
                ("reverses", models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.transfer")),
            ],
            options={
                "db_table": "ledger_transfer",
                "indexes": [models.Index(condition=models.Q(("reverses__isnull", False)), fields=["reverses"], name="ledger_transfer_reverses_idx")],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("amount__gte", 0)), name="ledger_transfer_amount_not_negative"),
                    models.CheckConstraint(condition=models.Q(("debit_account", models.F("credit_account")), _negated=True), name="ledger_transfer_two_accounts"),
                    models.UniqueConstraint(condition=models.Q(("pending__isnull", False)), fields=("pending",), name="ledger_transfer_resolved_once"),
                ],
            },
        ),
        migrations.CreateModel(
            name="OpenPending",
            fields=[
                ("transfer", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name="+", serialize=False, to="ledger.transfer")),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={"db_table": "ledger_open_pending"},
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("pk", models.CompositePrimaryKey("transfer_id", "is_debit", blank=True, editable=False, primary_key=True, serialize=False)),
                ("is_debit", models.BooleanField()),
                ("posted", models.BigIntegerField(default=0)),
                ("pending", models.BigIntegerField(default=0)),
                ("account", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.account")),
                ("transfer", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.transfer")),
            ],
            options={
                "db_table": "ledger_entry",
                "indexes": [models.Index(fields=["account", "-transfer"], name="ledger_entry_account_idx")],
            },
        ),
        migrations.CreateModel(
            name="Seal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("xid_from", models.BigIntegerField()),
                ("xid_to", models.BigIntegerField()),
                ("transfer_count", models.IntegerField()),
                ("ids", django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None)),
                ("digests", models.BinaryField()),
                ("prev_hash", models.BinaryField()),
                ("hash", models.BinaryField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("encoding", models.SmallIntegerField(default=2)),
            ],
            options={
                "db_table": "ledger_seal",
                "constraints": [models.UniqueConstraint(fields=("xid_from",), name="ledger_seal_chain_unique")],
            },
        ),
        migrations.RunPython(_create_deferred_indexes, migrations.RunPython.noop),
        migrations.RunSQL(STORAGE, UNDO_STORAGE),
        migrations.RunSQL(APPEND_ONLY, UNDO_APPEND_ONLY),
        migrations.RunSQL(DIGESTS, UNDO_DIGESTS),
        migrations.RunSQL(SEAL, UNDO_SEAL),
        migrations.RunSQL(CREATE_TRANSFERS, UNDO_CREATE_TRANSFERS),
        migrations.RunSQL(TRANSFER_ONE, UNDO_TRANSFER_ONE),
    ]

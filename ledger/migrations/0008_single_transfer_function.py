"""ledger_transfer_one: one plain transfer (posted or pending, no reversal, no post/void), with scalar arguments.

A single transfer is one transaction of its own, so what it pays per transaction dominates: PL/pgSQL builds the
state of every expression it evaluates once per transaction, and ledger_create_transfers evaluates about 130 of
them to post one transfer. This function does the same checks, in the same order, with the same error codes, in
about 40 expressions and five short statements; ledger.api uses it when a call holds exactly one plain request.
It takes the shared turn like any small call (so large batches still exclude it), locks its two accounts in id
order, and handles a concurrent first use of its client id without a subtransaction (ON CONFLICT DO NOTHING:
nothing else has been written when the insert finds the id taken).
"""

from django.db import migrations

TRANSFER_ONE = r"""
CREATE FUNCTION ledger_transfer_one(
    p_client_id text, p_hash bytea, p_debit bigint, p_credit bigint, p_amount bigint, p_ledger text,
    p_code text, p_pending boolean, p_timeout integer, p_memo text,
    OUT transfer_id bigint, OUT replayed boolean, OUT error text,
    OUT debit_id bigint, OUT d_dp bigint, OUT d_cp bigint, OUT d_dpe bigint, OUT d_cpe bigint,
    OUT credit_id bigint, OUT c_dp bigint, OUT c_cp bigint, OUT c_dpe bigint, OUT c_cpe bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
#variable_conflict use_column
DECLARE
    d ledger_account; c ledger_account; x_id bigint; x_hash bytea; v_exp timestamptz; po bigint; pe bigint;
    v_void text; v_attempt integer := 0;
BEGIN
    replayed := false;
    v_void := pg_advisory_xact_lock_shared(74130002)::text;
    -- the two accounts, locked in id order (the same order every posting uses)
    IF p_debit <= p_credit THEN
        SELECT * INTO d FROM ledger_account WHERE id = p_debit FOR UPDATE;
        SELECT * INTO c FROM ledger_account WHERE id = p_credit FOR UPDATE;
    ELSE
        SELECT * INTO c FROM ledger_account WHERE id = p_credit FOR UPDATE;
        SELECT * INTO d FROM ledger_account WHERE id = p_debit FOR UPDATE;
    END IF;
    LOOP
        v_attempt := v_attempt + 1;
        SELECT t.id, t.request_hash INTO x_id, x_hash FROM ledger_transfer t WHERE t.client_id = p_client_id;
        IF x_id IS NOT NULL THEN
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
            RETURN;
        END IF;
        -- the checks of ledger_create_transfers for a new transfer, in its order
        IF p_debit = p_credit THEN error := 'SAME_ACCOUNT';
        ELSIF p_timeout IS NOT NULL AND (NOT p_pending OR p_timeout <= 0) THEN error := 'FIELDS_INVALID';
        ELSIF p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000000000 THEN error := 'AMOUNT_INVALID';
        ELSIF d.id IS NULL OR c.id IS NULL THEN error := 'ACCOUNT_NOT_FOUND';
        ELSIF d.ledger <> c.ledger OR (p_ledger <> '' AND p_ledger <> d.ledger) THEN error := 'LEDGER_MISMATCH';
        ELSIF d.closed OR c.closed THEN error := 'ACCOUNT_CLOSED';
        ELSIF (d.debits_must_not_exceed_credits OR d.credit_limit IS NOT NULL)
              AND d.debits_posted + d.debits_pending + p_amount > d.credits_posted + coalesce(d.credit_limit, 0) THEN
            error := CASE WHEN d.credit_limit IS NULL THEN 'EXCEEDS_CREDITS' ELSE 'EXCEEDS_CREDIT_LIMIT' END;
        ELSIF c.credits_must_not_exceed_debits AND c.credits_posted + c.credits_pending + p_amount > c.debits_posted THEN
            error := 'EXCEEDS_DEBITS';
        ELSIF d.debits_posted + d.debits_pending + p_amount > 4611686018427387904
              OR c.credits_posted + c.credits_pending + p_amount > 4611686018427387904 THEN
            error := 'OVERFLOW';
        END IF;
        IF error IS NOT NULL THEN RETURN; END IF;

        IF p_pending THEN
            po := 0; pe := p_amount;
            IF p_timeout IS NOT NULL THEN v_exp := now() + make_interval(secs => p_timeout); END IF;
        ELSE
            po := p_amount; pe := 0;
        END IF;
        INSERT INTO ledger_transfer (id, client_id, request_hash, ledger, debit_account_id, credit_account_id, amount,
                                     code, phase, expires_at, memo, created_at)
        VALUES (nextval('ledger_transfer_id_seq'), p_client_id, p_hash, d.ledger, p_debit, p_credit, p_amount,
                coalesce(p_code, ''), CASE WHEN p_pending THEN 'pending' ELSE 'posted' END, v_exp,
                coalesce(p_memo, '{}')::jsonb, now())
        ON CONFLICT (client_id) DO NOTHING
        RETURNING id INTO transfer_id;
        -- taken meanwhile by a request that committed: nothing written yet, so answer as a retry would
        EXIT WHEN transfer_id IS NOT NULL;
        IF v_attempt >= 3 THEN RAISE EXCEPTION 'ledger: client id % keeps conflicting', p_client_id; END IF;
    END LOOP;

    INSERT INTO ledger_entry (transfer_id, is_debit, account_id, posted, pending)
    VALUES (transfer_id, true, p_debit, po, pe), (transfer_id, false, p_credit, po, pe);
    UPDATE ledger_account a
       SET debits_posted = a.debits_posted + CASE WHEN a.id = p_debit THEN po ELSE 0 END,
           debits_pending = a.debits_pending + CASE WHEN a.id = p_debit THEN pe ELSE 0 END,
           credits_posted = a.credits_posted + CASE WHEN a.id = p_credit THEN po ELSE 0 END,
           credits_pending = a.credits_pending + CASE WHEN a.id = p_credit THEN pe ELSE 0 END
     WHERE a.id IN (p_debit, p_credit);
    IF v_exp IS NOT NULL THEN
        INSERT INTO ledger_open_pending (transfer_id, expires_at) VALUES (transfer_id, v_exp);
    END IF;

    debit_id := p_debit; d_dp := d.debits_posted + po; d_cp := d.credits_posted;
    d_dpe := d.debits_pending + pe; d_cpe := d.credits_pending;
    credit_id := p_credit; c_dp := c.debits_posted; c_cp := c.credits_posted + po;
    c_dpe := c.debits_pending; c_cpe := c.credits_pending + pe;
END
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_parallel_safe_verify")]

    operations = [
        migrations.RunSQL(
            TRANSFER_ONE,
            "DROP FUNCTION ledger_transfer_one(text, bytea, bigint, bigint, bigint, text, text, boolean, integer, text);",
        )
    ]

"""Verify's helper functions are PARALLEL SAFE (they only read), so PostgreSQL may split verify's scans of
transfers and entries across parallel workers; unmarked functions keep a whole query in one process."""

from django.db import migrations

FUNCTIONS = [
    "ledger_transfer_text(ledger_transfer)",
    "ledger_entry_text(ledger_entry)",
    "ledger_transfer_digest(ledger_transfer)",
    "ledger_transfer_digest_v1(ledger_transfer)",
    "ledger_implied_entries(ledger_transfer)",
]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_binary_digests")]

    operations = [
        migrations.RunSQL(
            "".join(f"ALTER FUNCTION {f} PARALLEL SAFE;\n" for f in FUNCTIONS),
            "".join(f"ALTER FUNCTION {f} PARALLEL UNSAFE;\n" for f in FUNCTIONS),
        )
    ]

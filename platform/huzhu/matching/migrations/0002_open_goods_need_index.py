"""An index for online matching's supply → needs search (candidates.needs_for_goods).

It lives on households' table but serves matching's query only, so it is created here, by the app that reads
with it: open goods needs by category in queue order. Partial, so it stays small as needs are fulfilled.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("households", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS matching_open_goods_need_idx ON households_need "
            "(goods_category, opened_at, id) WHERE status = 'open' AND kind = 'goods'",
            "DROP INDEX IF EXISTS matching_open_goods_need_idx",
        ),
    ]

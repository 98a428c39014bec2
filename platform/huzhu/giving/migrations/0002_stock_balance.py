"""The running stock balance on StockItem (on_hand, reserved), backfilled from the movement book.

Matching's candidate search read available stock by summing every movement of every candidate item on each
call; the balance makes it an indexed read (stock_item_available_idx: items with units available, by kind).
The backfill runs before the check constraint, so a book that was ever inconsistent would stop the migration
here rather than be carried over silently.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE giving_stockitem si
SET on_hand = book.on_hand, reserved = book.reserved
FROM (SELECT stock_item_id, SUM(on_hand_delta) AS on_hand, SUM(reserved_delta) AS reserved
      FROM giving_stockmovement GROUP BY stock_item_id) AS book
WHERE book.stock_item_id = si.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("giving", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockitem",
            name="on_hand",
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name="stockitem",
            name="reserved",
            field=models.IntegerField(default=0),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="stockitem",
            index=models.Index(condition=models.Q(("on_hand__gt", models.F("reserved"))),
                               fields=["category", "item", "workstation"], name="stock_item_available_idx"),
        ),
        migrations.AddConstraint(
            model_name="stockitem",
            constraint=models.CheckConstraint(condition=models.Q(("reserved__gte", 0),
                                                                 ("reserved__lte", models.F("on_hand"))),
                                              name="stock_item_balance_valid"),
        ),
    ]

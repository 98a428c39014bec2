"""The `huzhu` command: Django management underneath, with short names for the everyday tasks.

    huzhu serve [--host H] [--port P]   serve HTTP + websockets (and the in-process job worker)
    huzhu demo                          load the deterministic demo data once; prints the demo logins
    huzhu migrate                       apply database migrations
    huzhu createadmin                   create a superuser interactively (or from flags)
    huzhu ledger verify                 recompute balances and seals; name the first bad transfer
    huzhu match round --region CODE     run an optimal matching round for a region
    huzhu <any django command>          e.g. huzhu shell, huzhu check
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    ("ledger", "verify"): "ledger_verify",
    ("ledger", "seal"): "ledger_seal",
    ("match", "round"): "match_round",
}


def translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and (argv[0], argv[1]) in ALIASES:
        return [ALIASES[(argv[0], argv[1])], *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")
    from django.core.management import execute_from_command_line

    args = translate(list(sys.argv[1:] if argv is None else argv))
    if not args:
        print(__doc__)
        return
    execute_from_command_line(["huzhu", *args])


if __name__ == "__main__":
    main()

"""Money as text: yuan with two decimals, and the Chinese capital numerals (大写) used on receipts.

Amounts are integer fen everywhere; these functions only format them, they never compute with floats.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def yuan(fen: int) -> str:
    """12345 → "123.45" (with thousands separators: 1234567 → "12,345.67")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, with one 零 for each run of inner zeros: 1005 → 壹仟零伍."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def capital_yuan(fen: int) -> str:
    """The amount in 大写 as written on Chinese receipts and cheques.

    12345 → 壹佰贰拾叁元肆角伍分; 100 → 壹元整; 1005 → 壹拾元零伍分; 50 → 伍角整; 100_000_100 → 壹佰万零壹元整.
    """
    fen = int(fen)
    if fen < 0:
        raise ValueError("a receipt amount is never negative")
    whole, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if whole >= 10**16:
        raise ValueError("amount too large")
    text = ""
    if whole:
        groups = []
        n = whole
        while n:
            groups.append(n % 10000)
            n //= 10000
        pending_zero = False
        for index in range(len(groups) - 1, -1, -1):
            g = groups[index]
            if g == 0:
                pending_zero = bool(text)
                continue
            if text and (pending_zero or g < 1000):
                text += "零"
            text += _group(g) + GROUP_UNITS[index]
            pending_zero = False
        text += "元"
    if jiao == 0 and fen_digit == 0:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return text

"""Amounts as text: yuan and the Chinese capital numerals (大写) printed on receipts."""

import pytest

from huzhu.giving.amounts import capital_yuan, yuan


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (12345, "壹佰贰拾叁元肆角伍分"),
        (100, "壹元整"),
        (1005, "壹拾元零伍分"),
        (50, "伍角整"),
        (5, "伍分"),
        (0, "零元整"),
        (101, "壹元零壹分"),
        (110000, "壹仟壹佰元整"),
        (100_000_100, "壹佰万零壹元整"),
        (100_001_000, "壹佰万零壹拾元整"),
        (100_010_000, "壹佰万零壹佰元整"),
        (10**13, "壹仟亿元整"),
        (1_000_000_000_100, "壹佰亿零壹元整"),
    ],
)
def test_it_writes_amounts_in_capital_numerals(fen: int, text: str) -> None:
    assert capital_yuan(fen) == text


def test_it_writes_yuan_with_two_decimals_and_separators() -> None:
    assert yuan(12345) == "123.45"
    assert yuan(123456789) == "1,234,567.89"
    assert yuan(5) == "0.05"


def test_it_refuses_a_negative_receipt_amount() -> None:
    with pytest.raises(ValueError):
        capital_yuan(-1)

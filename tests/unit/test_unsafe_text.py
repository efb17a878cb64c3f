"""The one rule for text no store or export can hold (no database needed)."""

from __future__ import annotations

import pytest

from interface.unsafe_text import has_unsafe_text, without_unsafe_text


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x01",
        "\x1f",
        "\x7f",
        "\x85",
        "\x9f",
        "\ud800",
        "\ufdd0",
        "\ufdef",
        "\ufffe",
        "\uffff",
        "\U0001fffe",
        "\U0010ffff",
    ],
)
def test_controls_surrogates_and_noncharacters_are_unsafe(char: str) -> None:
    assert has_unsafe_text(f"路灯{char}不亮")
    assert without_unsafe_text(f"路灯{char}不亮") == "路灯不亮"


@pytest.mark.parametrize(
    "text",
    [
        "路灯\t不亮\r\n",
        "（全角）１２３",
        "\u00a0\u00a9",
        "\u200b\ufeff\u2028",
        "\ufdcf\ufdf0\ufffd",
        "😀\U0001fffd",
        "\ue000",
    ],
)
def test_ordinary_text_is_safe_and_kept_whole(text: str) -> None:
    assert not has_unsafe_text(text)
    assert without_unsafe_text(text) == text

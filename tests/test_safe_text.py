import unicodedata

import pytest

from livedash.safe_text import safe_text


def test_every_control_and_format_character_is_made_visible():
    leaked = [
        hex(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        and safe_text(chr(code)) == chr(code)
    ]
    assert leaked == []


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "␛[31mred"),
        ("a\x00b\x7f", "a␀b␡"),
        ("\x9b31m", "⟨U+009B⟩31m"),
        ("abc\u202edef", "abc⟨U+202E⟩def"),
        ("line\u2028break", "line⟨U+2028⟩break"),
        ("[bold]x[/] [@click=app.quit]y[/]", "[bold]x[/] [@click=app.quit]y[/]"),
        ("王秀英 👩📞", "王秀英 👩📞"),
    ],
)
def test_examples(raw, shown):
    assert safe_text(raw) == shown


def test_plain_text_is_returned_unchanged():
    text = "John Doe +1555123456"
    assert safe_text(text) is text

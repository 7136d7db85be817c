import pytest

from xxgk.parse.digits import Piece, candidates, tokenise

BLANKS = ["-", "—", "/", "无"]


def pieces(*texts):
    return [Piece("digits" if t.isdigit() else "blank", t, 1) for t in texts]


def values(cands):
    return sorted(c[0] for c in cands)


def test_one_digit_per_cell_is_the_only_split():
    cands, _ = candidates(pieces("1000001"), 7)
    assert values(cands) == [(1, 0, 0, 0, 0, 0, 1)]


def test_leading_zero_is_never_a_written_number():
    cands, _ = candidates(pieces("02"), 2)
    assert values(cands) == [(0, 2)]
    cands, _ = candidates(pieces("02"), 1)
    assert cands == []


def test_glued_run_lists_every_split():
    cands, _ = candidates(pieces("2023"), 3)
    assert values(cands) == [(2, 0, 23), (20, 2, 3)]


def test_spaces_are_cell_boundaries():
    # '160 02 0 018' from a real report: spaces separate cells, digits inside a piece may be glued
    cands, _ = candidates(pieces("160", "02", "0", "018"), 7)
    assert (16, 0, 0, 2, 0, 0, 18) in values(cands)
    assert all(len(c[0]) == 7 for c in cands)


def test_too_few_digits_has_no_split():
    cands, _ = candidates(pieces("000000"), 7)
    assert cands == []


def test_tokenise_stops_at_text_and_keeps_blanks():
    cells = [("3", 5), ("", 5), ("—", 5), ("12", 6), ("第二十条", 7)]
    ps, stop, line, form = tokenise(cells, BLANKS)
    assert [(p.kind, p.text) for p in ps] == [("digits", "3"), ("blank", ""), ("blank", "—"), ("digits", "12")]
    assert stop == "第二十条" and line == 7 and form is None


def test_tokenise_drops_layout_padding_at_the_ends():
    ps, stop, _, _ = tokenise([("", 1), ("0", 1), ("0", 1), ("", 1)], BLANKS)
    assert [p.text for p in ps] == ["0", "0"] and stop is None


def test_decimal_is_one_cell():
    ps, _, _, _ = tokenise([("16220.85", 3)], BLANKS)
    cands, _ = candidates(ps, 1)
    assert cands[0][0] == (16220.85,)


def test_a_run_too_long_for_any_figure_gives_no_candidates():
    from xxgk.parse.digits import MAX_FIGURE_DIGITS, Piece, candidates

    long = "1" * 5000
    assert candidates([Piece("digits", long, 1)], 1) == ([], False)
    assert candidates([Piece("digits", long, 1)], 7) == ([], False)
    assert candidates([Piece("decimal", "9" * 400 + ".5", 1)], 1) == ([], False)
    fits = "1" * MAX_FIGURE_DIGITS
    assert candidates([Piece("digits", fits, 1)], 1)[0][0][0] == (int(fits),)


def read(text, n=1, signed_ok=False):
    """The values one cell of printed text gives for a row of `n` cells, and the form that stopped it."""
    ps, _stop, _, form = tokenise([(text, 1)], BLANKS, signed_ok=signed_ok)
    cands, _ = candidates(ps, n) if ps else ([], False)
    return [c[0] for c in cands], form


@pytest.mark.parametrize("text, value", [("1,234", 1234), ("12,345,678", 12345678), ("999,999,999,999", 999999999999),
                                         ("1,234.5", 1234.5), ("12.5", 12.5), ("0", 0)])
def test_thousands_separators_are_read(text, value):
    # `1，234` is NFKC-normalised to `1,234` by the reader before it gets here
    assert read(text) == ([(value,)], None)


def test_a_thousands_figure_is_one_cell_never_split():
    ps, _, _, _ = tokenise([("1,234", 1)], BLANKS)
    assert [(p.kind, p.text) for p in ps] == [("grouped", "1,234")]
    # two cells joined by a comma in a dump cannot be told from a thousands figure: no guess
    assert candidates(ps, 2) == ([], False)
    # beside other cells it stays whole
    ps, _, _, _ = tokenise([("1,234 0 00", 1)], BLANKS)
    assert [c[0] for c in candidates(ps, 4)[0]] == [(1234, 0, 0, 0)]
    assert [c[1] for c in candidates(ps, 4)[0]] == [("1,234", "0", "0", "0")]


def test_signed_thousands():
    assert read("-1,234", signed_ok=True) == ([(-1234,)], None)
    ps, _, _, _ = tokenise([("-1,234", 1)], BLANKS)  # outside a signed column: a dash, then the figure
    assert [(p.kind, p.text) for p in ps] == [("blank", "-"), ("grouped", "1,234")]


@pytest.mark.parametrize("text, form, reason", [
    ("1e9", "1e9", "letters"), ("0x10", "0x10", "letters"), ("1.5e3", "1.5e3", "letters"), ("44abc", "44abc", "letters"),
    ("3万", "3万", "unit"), ("2亿", "2亿", "unit"), ("3 万", "3 万", "unit"), ("50%", "50%", "percent"), ("50 %", "50 %", "percent"),
    ("(5)", "(5)", "bracketed"), ("(1,234)", "(1,234)", "bracketed"), ("5(3)", "5(3)", "bracketed"),
    ("1,234,5", "1,234,5", "separator"), ("1,2345", "1,2345", "separator"), ("1234,567", "1234,567", "separator"),
    ("0,000", "0,000", "separator"), ("01,234", "01,234", "separator"), ("1、234", "1、234", "separator"),
    ("1.2.3", "1.2.3", "separator"), ("12:30", "12:30", "separator"), ("٣", "٣", "script"), ("5000元", "5000元", "currency"),
])
def test_number_forms_that_are_not_plain(text, form, reason):
    _ps, stop, _, found = tokenise([(text, 1)], BLANKS)
    assert stop and found == (form, reason)


@pytest.mark.parametrize("text, stop", [("0第二十条", "第二十条"), ("000000000000000五、存在的主要问题", "五、存在的主要问题"),
                                        ("1个246900元", "个246900元"), ("5 件", "件"), ("0 e9", "e9"), ("0(二)主动公开", "(二)主动公开"),
                                        ("3,其他", ",其他")])
def test_text_that_only_ends_the_figures(text, stop):
    # a label, a heading or a word after the figures ends them; it does not continue a figure
    _, got, _, form = tokenise([(text, 1)], BLANKS)
    assert got == stop and form is None


def test_a_form_in_the_next_cell_is_not_glued():
    # cells are separate: `1` then a cell `e9` is a figure and unknown text, not 1e9
    _, stop, _, form = tokenise([("1", 1), ("e9", 1)], BLANKS)
    assert stop == "e9" and form is None
    _, _, _, form = tokenise([("1", 1), ("万", 1)], BLANKS)
    assert form is None


def test_digits_of_other_scripts_are_no_figures():
    # int() reads them, the published figure would be printed nowhere as ASCII digits
    assert read("١٢") == ([], ("١٢", "script"))
    assert read("1٣")[1] == ("1٣", "script")


def test_grouped_pieces_count_their_digits_not_commas():
    assert candidates([Piece("grouped", "999,999,999,999", 1)], 1)[0][0][0] == (999999999999,)
    assert candidates([Piece("grouped", "1,999,999,999,999", 1)], 1) == ([], False)


def test_figures_each_on_a_line_of_their_own_are_never_split():
    """`10` on a line of its own beside single digits on theirs is the figure 10, not 1 and 0 glued
    (a PDF converted to text one cell per line); on one line, glued cells are split as before."""
    apart = [Piece("digits", t, line) for line, t in enumerate(["10", "1", "0"], start=1)]
    assert candidates(apart, 4) == ([], False)
    assert candidates(apart, 3)[0][0][0] == (10, 1, 0)
    together = [Piece("digits", t, 1) for t in ["10", "1", "0"]]
    assert candidates(together, 4)[0][0][0] == (1, 0, 1, 0)
    assert candidates([Piece("digits", t, n) for n, t in enumerate(["00", "1"])], 3) == ([], False)

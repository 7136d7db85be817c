from xxgk.digits import Piece, candidates, tokenise

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
    ps, stop, line = tokenise(cells, BLANKS)
    assert [(p.kind, p.text) for p in ps] == [("digits", "3"), ("blank", ""), ("blank", "—"), ("digits", "12")]
    assert stop == "第二十条" and line == 7


def test_tokenise_drops_layout_padding_at_the_ends():
    ps, stop, _ = tokenise([("", 1), ("0", 1), ("0", 1), ("", 1)], BLANKS)
    assert [p.text for p in ps] == ["0", "0"] and stop is None


def test_decimal_is_one_cell():
    ps, _, _ = tokenise([("16220.85", 3)], BLANKS)
    cands, _ = candidates(ps, 1)
    assert cands[0][0] == (16220.85,)


def test_a_run_too_long_for_any_figure_gives_no_candidates():
    from xxgk.digits import MAX_FIGURE_DIGITS, Piece, candidates

    long = "1" * 5000
    assert candidates([Piece("digits", long, 1)], 1) == ([], False)
    assert candidates([Piece("digits", long, 1)], 7) == ([], False)
    assert candidates([Piece("decimal", "9" * 400 + ".5", 1)], 1) == ([], False)
    fits = "1" * MAX_FIGURE_DIGITS
    assert candidates([Piece("digits", fits, 1)], 1)[0][0][0] == (int(fits),)

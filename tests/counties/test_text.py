import itertools

from counties.text import compact, edit_distance, fold


def test_fold_removes_case_accents_apostrophes_and_punctuation():
    assert fold("  Doña Ana  County ") == "dona ana county"
    assert fold("O’Brien") == fold("O'Brien") == "obrien"
    assert fold("St. Mary's Parish") == "st marys parish"
    assert fold("") == ""


def test_compact_joins_split_names():
    assert compact("La Salle") == compact("LaSalle") == "lasalle"
    assert compact("De Witt") == compact("DeWitt") == "dewitt"


def whole_table(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance over the whole table: what edit_distance's
    shortcuts (shared ends left out, only a band around the diagonal) must agree with."""
    table = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(
                table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


def test_edit_distance_is_the_whole_tables_up_to_its_limit():
    words = ["".join(letters) for n in range(5) for letters in itertools.product("abc", repeat=n)]
    names = ["tarrant", "tarant", "dlalas", "dallas", "albermarle county", "albemarle county", "lake clark shores",
             "lake clarke shore", "town12 police department", "town21 police department", ""]  # fmt: skip
    for a, b in [*itertools.product(words, repeat=2), *itertools.product(names, repeat=2)]:
        if abs(len(a) - len(b)) > 4:
            continue
        distance = whole_table(a, b)
        for limit in range(4):
            assert edit_distance(a, b, limit) == min(distance, limit + 1), (a, b, limit)

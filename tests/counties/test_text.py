from counties.text import compact, fold


def test_fold_removes_case_accents_apostrophes_and_punctuation():
    assert fold("  Doña Ana  County ") == "dona ana county"
    assert fold("O’Brien") == fold("O'Brien") == "obrien"
    assert fold("St. Mary's Parish") == "st marys parish"
    assert fold("") == ""


def test_compact_joins_split_names():
    assert compact("La Salle") == compact("LaSalle") == "lasalle"
    assert compact("De Witt") == compact("DeWitt") == "dewitt"

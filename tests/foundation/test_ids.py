"""Public identifiers: 22 characters of the unambiguous base-57 alphabet, never repeated."""

from closient_app.ids import ALPHABET, SHORT_ID_LENGTH, is_short_id, new_short_id


def test_new_ids_are_22_unambiguous_characters_and_unique() -> None:
    ids = [new_short_id() for _ in range(20_000)]

    assert {len(i) for i in ids} == {SHORT_ID_LENGTH} == {22}
    assert set("".join(ids)) <= set(ALPHABET)
    assert not set("".join(ids)) & set("01IOl")  # no look-alikes
    assert len(set(ids)) == len(ids)
    assert all(is_short_id(i) for i in ids)


def test_is_short_id_rejects_other_shapes() -> None:
    assert not is_short_id("0" * 22)  # 0 is not in the alphabet
    assert not is_short_id(new_short_id()[:21])
    assert not is_short_id(new_short_id() + "a")

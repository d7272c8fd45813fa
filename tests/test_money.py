import pytest

from bilat.records import Amount
from bilat.resolve.money import MoneyMention, find_amounts, parse_amount


@pytest.mark.parametrize("text, value, currency", [
    ("$2.8 billion", 2.8e9, "USD"),
    ("US$ 500 million", 500e6, "USD"),
    ("USD 1.2bn", 1.2e9, "USD"),
    ("1.2 billion dollars", 1.2e9, "USD"),
    ("1.2 billion US dollars", 1.2e9, "USD"),
    ("€400 million", 400e6, "EUR"),
    ("EUR 3bn", 3e9, "EUR"),
    ("400 million euros", 400e6, "EUR"),
    ("£250m", 250e6, "GBP"),
    ("GBP 1 billion", 1e9, "GBP"),
    ("£1.5bn", 1.5e9, "GBP"),
    ("Rs 1,982 crore", 19_820_000_000.0, "INR"),
    ("Rs. 1,982 crore", 19_820_000_000.0, "INR"),
    ("INR 500 crore", 5e9, "INR"),
    ("₹5,000 crore", 5e10, "INR"),
    ("₹63,000 crore", 6.3e11, "INR"),
    ("Rs 20 lakh", 2e6, "INR"),
    ("Rs 1.5 lakh crore", 1.5e12, "INR"),
    ("2,000 crore rupees", 2e10, "INR"),
    ("A$1.1 billion", 1.1e9, "AUD"),
    ("AUD 2 billion", 2e9, "AUD"),
    ("C$3.5 billion", 3.5e9, "CAD"),
    ("¥300 billion", 3e11, "JPY"),
    ("yen 5 billion", 5e9, "JPY"),
    ("5 billion yen", 5e9, "JPY"),
    ("dollars 1.13bn", 1.13e9, "USD"),
    ("$40m", 40e6, "USD"),
    ("$1.2 trillion", 1.2e12, "USD"),
    ("300 million USD", 300e6, "USD"),
])
def test_parse_amount(text, value, currency):
    assert parse_amount(text) == Amount(value=value, currency=currency)


def test_values_are_exact():
    (mention,) = find_amounts("The contract is worth Rs 1,982 crore.")
    assert mention.amount.value == 19820000000.0
    assert repr(mention.amount.value) == "19820000000.0"


def test_mentions_in_a_sentence_with_offsets():
    text = ("The UK announced €400 million in export deals, while India approved "
            "₹63,000 crore for 26 Rafale Marine jets in 2025.")
    found = find_amounts(text)
    assert [m.text for m in found] == ["€400 million", "₹63,000 crore"]
    for mention in found:
        assert isinstance(mention, MoneyMention)
        assert text[mention.start:mention.end] == mention.text
    assert [m.amount.currency for m in found] == ["EUR", "INR"]


@pytest.mark.parametrize("text", [
    "India ordered 26 Rafale jets in 2025.",
    "Defence spending rose 12.5% to a record.",
    "The 24th India-UK Defence Consultative Group met for the 2+2 dialogue.",
    "Each bomb carries 500 pounds of explosives.",
    "The unit has 1,200 soldiers and 40 m of bridging.",
])
def test_non_money(text):
    assert find_amounts(text) == []


def test_a_range_gives_its_lower_bound():
    (mention,) = find_amounts("The programme could cost $2-3 billion over a decade.")
    assert mention.text == "$2-3 billion"
    assert mention.amount == Amount(2e9, "USD")


def test_parse_amount_needs_exactly_one_expression():
    assert parse_amount("no money here") is None
    assert parse_amount("$1 billion and €2 billion") is None
    assert parse_amount("worth about $2.8 billion") == Amount(2.8e9, "USD")

import pytest

from bilat.resolve.dates import DateMention, find_dates, parse_date

REF = "2025-02-12"  # a Wednesday


def dates(text: str, reference: str | None = REF, future: bool = False):
    return [(m.text, m.date, m.end_date) for m in find_dates(text, reference, future=future)]


@pytest.mark.parametrize("text, expected", [
    ("The ministers met on 6 February 2025 in Paris.", [("6 February 2025", "2025-02-06", None)]),
    ("The talks were held on February 6, 2025.", [("February 6, 2025", "2025-02-06", None)]),
    ("The 6th of February 2025 was chosen.", [("6th of February 2025", "2025-02-06", None)]),
    ("The pact took effect on 2025-02-06.", [("2025-02-06", "2025-02-06", None)]),
    ("It was first tested in March 2023.", [("March 2023", "2023-03", None)]),
    ("Deliveries began in 2024.", [("2024", "2024", None)]),
    ("The Nov 22, 2024 meeting", [("Nov 22, 2024", "2024-11-22", None)]),
    ("Exercises in SEPTEMBER 2024", [("SEPTEMBER 2024", "2024-09", None)]),
])
def test_absolute_dates(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("He visited Rome from April 14-15, 2025, for talks.",
     [("April 14-15, 2025", "2025-04-14", "2025-04-15")]),
    ("The summit ran 14-15 April 2025.", [("14-15 April 2025", "2025-04-14", "2025-04-15")]),
    ("The exercise ran from 10 to 14 February.",
     [("10 to 14 February", "2025-02-10", "2025-02-14")]),
    ("Talks are held between 3 and 5 March 2024.",
     [("3 and 5 March 2024", "2024-03-03", "2024-03-05")]),
    ("The drills ran Feb 28 - Mar 2, 2025, off Goa.",
     [("Feb 28 - Mar 2, 2025", "2025-02-28", "2025-03-02")]),
    ("The visit ran Dec 30 - Jan 2, 2025.",
     [("Dec 30 - Jan 2, 2025", "2024-12-30", "2025-01-02")]),
    ("The deployment lasted from March to May 2024.",
     [("March to May 2024", "2024-03", "2024-05")]),
    ("Spending rose from 2020 to 2024.", [("2020 to 2024", "2020", "2024")]),
    ("Allocations in 2024-25 grew.", [("2024-25", "2024", "2025")]),
])
def test_ranges(text, expected):
    assert dates(text) == expected


def test_yearless_range_takes_reference_year_without_going_past_it():
    # April 14 would be two months after the reference: it must be last April
    assert dates("He was in Rome from April 14 to 16.") == [
        ("April 14 to 16", "2024-04-14", "2024-04-16")]
    assert dates("He will be in Rome from April 14 to 16.", future=True) == [
        ("April 14 to 16", "2025-04-14", "2025-04-16")]


@pytest.mark.parametrize("text, expected", [
    ("The chiefs met on Saturday.", [("Saturday", "2025-02-08", None)]),
    ("Saturday's talks ended late.", [("Saturday", "2025-02-08", None)]),
    ("The ministry said on Wednesday.", [("Wednesday", "2025-02-12", None)]),
    ("The ministry said last Wednesday.", [("last Wednesday", "2025-02-05", None)]),
    ("The team arrived yesterday.", [("yesterday", "2025-02-11", None)]),
    ("The deal was signed today.", [("today", "2025-02-12", None)]),
    ("The minister travelled last week.", [("last week", "2025-02-03", "2025-02-09")]),
    ("The talks resume next week.", [("next week", "2025-02-17", "2025-02-23")]),
    ("It was announced earlier this month.", [("earlier this month", "2025-02", None)]),
    ("Trials ended last month.", [("last month", "2025-01", None)]),
    ("Output rose this year.", [("this year", "2025", None)]),
    ("The order was placed last year.", [("last year", "2024", None)]),
    ("Deliveries begin next year.", [("next year", "2026", None)]),
    ("The frigate was launched in June.", [("June", "2024-06", None)]),
    ("The frigate was launched in February.", [("February", "2025-02", None)]),
    ("The accord was signed on 6 Feb.", [("6 Feb", "2025-02-06", None)]),
    ("The accord was signed on Feb. 6.", [("Feb. 6", "2025-02-06", None)]),
    ("Talks took place two days ago.", [("two days ago", "2025-02-10", None)]),
    ("They met on Saturday, February 8, 2025.",
     [("Saturday, February 8, 2025", "2025-02-08", None)]),
])
def test_relative_dates(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The minister will visit on Saturday.", [("Saturday", "2025-02-15", None)]),
    ("The minister will visit on Wednesday.", [("Wednesday", "2025-02-19", None)]),
    ("The carrier will sail in June.", [("June", "2025-06", None)]),
    ("The carrier will sail in January.", [("January", "2026-01", None)]),
])
def test_future_looks_forward(text, expected):
    assert dates(text, future=True) == expected


def test_last_weekday_looks_back_even_in_future_text():
    assert dates("After talks last Monday, they will meet again.", future=True) == [
        ("last Monday", "2025-02-10", None)]


def test_no_reference_never_invents():
    found = dates("He arrived on Saturday and left on 6 Feb, returning last year.", None)
    assert [(text, date) for text, date, _ in found] == [
        ("Saturday", None), ("6 Feb", None), ("last year", None)]
    assert dates("It happened in March 2023.", None) == [("March 2023", "2023-03", None)]


def test_coarse_reference_resolves_only_what_it_can():
    assert dates("It was signed yesterday, last month and last year.", "2025-02") == [
        ("yesterday", None, None), ("last month", "2025-01", None), ("last year", "2024", None)]
    assert dates("The visit on 6 Feb", "2025") == [("6 Feb", "2025-02-06", None)]


@pytest.mark.parametrize("text", [
    "India ordered 26 Rafale jets for its carriers.",
    "Singh co-chaired the 24th India-UK Defence Consultative Group meeting.",
    "The 2+2 dialogue is held every year in rotation.",
    "These initiatives are in line with the broader 2030 India-UK roadmap.",
    "The UK announced €400 million in export and investment deals.",
    "Spending rose 12% over the last year.",
    "The minister gave an interview to India Today about the Sunday Times report.",
    "The army may march 15 kilometres.",
])
def test_non_dates(text):
    assert dates(text) == []


def test_year_after_a_preposition_counts_even_before_a_name():
    assert dates("Targets to be met in 2030 India-UK roadmap") == [("2030", "2030", None)]


def test_offsets_point_into_the_text():
    text = "Defence Secretary Singh visited Rome from April 14-15, 2025, and met officials."
    (mention,) = find_dates(text, None)
    assert isinstance(mention, DateMention)
    assert text[mention.start:mention.end] == mention.text == "April 14-15, 2025"


def test_an_impossible_day_keeps_only_what_is_certain():
    assert dates("Set for 30 February 2025.") == [("February 2025", "2025-02", None)]
    assert dates("Set for 30 February.") == []


@pytest.mark.parametrize("text, expected", [
    ("22 Nov 2024, 10:42 IST", "2024-11-22"),
    ("November 22, 2024 09:15 pm IST", "2024-11-22"),
    ("2024-11-22", "2024-11-22"),
    ("2024-11-22T10:42:00+05:30", "2024-11-22"),
    ("2025", "2025"),
    ("2025-02", "2025-02"),
    ("Nov 2024", "2024-11"),
    ("22/11/2024", "2024-11-22"),
    ("Friday", None),
    ("22 Nov", None),
    ("2025-13", None),
    ("no date here", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected

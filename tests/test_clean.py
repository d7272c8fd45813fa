from pathlib import Path

import pytest

from bilat.clean import clean
from bilat.records import Article, Document

RESOURCES = Path(__file__).parent / "resources" / "clean"
SAMPLES = Path(__file__).parents[2] / "shared" / "samples"


def raw(name: str) -> str:
    return (RESOURCES / name).read_bytes().decode("utf-8")


def sample(name: str) -> str:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"shared sample {path} not present")
    return path.read_text(encoding="utf-8")


def cleaned(text: str, **meta) -> Article:
    return clean(Document(id="doc", text=text, **meta))


# --- the shared samples -------------------------------------------------------------------


def test_italy_sample_dateline_date_and_outlet():
    article = cleaned(sample("italy-visit.txt"))
    assert article.dateline == "Rome"
    assert article.date == "2025-04-16"  # April 16 with the year of "April 14-15, 2025"
    assert article.outlet == "ANI"
    assert article.title is None
    assert article.text.startswith("Defence Secretary Rajesh Kumar Singh visited Rome")
    assert article.text.endswith("(ANI)")


def test_uk_sample_padding_removed_and_no_date_invented():
    article = cleaned(sample("uk-visit.txt"))
    assert article.date is None
    assert article.dateline is None
    assert article.text.startswith("Defence Secretary Rajesh Kumar Singh concluded")
    assert article.text == article.text.strip()
    assert "\n\n\n" not in article.text
    assert all(p and "\n" not in p for p in article.text.split("\n\n"))


@pytest.mark.parametrize("name", ["italy-visit.txt", "uk-visit.txt"])
def test_no_body_sentence_lost(name):
    text = sample(name)
    article = cleaned(text)
    cleaned_lines = article.text.split("\n")
    for line in filter(None, (line.strip() for line in text.splitlines())):
        # the first line loses only its dateline
        assert line in article.text or any(line.endswith(c) for c in cleaned_lines), line


# --- a scraped page with furniture ---------------------------------------------------------


def test_scraped_page_headline_dates_dateline_and_boilerplate():
    article = cleaned(raw("scraped-deal.txt"))
    assert article.title == "India, France seal deal for 26 Rafale Marine jets"
    assert article.date == "2025-04-28"  # published, not updated
    assert article.dateline == "New Delhi"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("India and France on Monday signed an inter-governmental")
    assert len(paragraphs) == 3
    for gone in ("Home |", "Trending", "Updated", "Published", "By Staff Reporter",
                 "ADVERTISEMENT", "Also Read", "Photo", "Sponsored", "Share this",
                 "Follow us", "Related News", "light tanks", "Gujarat coast", "Copyright",
                 "Defence budget:"):
        assert gone not in article.text, gone


def test_body_paragraph_mentioning_read_and_follow_stays():
    article = cleaned(raw("scraped-deal.txt"))
    assert ("Officials said deliveries would begin in 2028 and be completed by 2030. Readers "
            "who follow the programme will recall that the first round of talks began in "
            "2023.\nThe package also covers training") in article.text


def test_crlf_nfd_cookie_notice_agency_dateline_and_teaser_run():
    article = cleaned(raw("reuters-crlf.txt"))
    assert article.dateline == "Washington"
    assert article.outlet == "Reuters"
    assert article.date is None  # "Feb 6" and only "since 2022" in the body: no year
    assert "\r" not in article.text
    assert "Kraków" in article.text  # composed to NFC
    assert article.text.startswith("The United States approved the possible sale")
    assert article.text.endswith("on defence this year.")
    assert "cookies" not in article.text


def test_metadata_date_wins_and_gives_the_dateline_its_year():
    article = cleaned(raw("reuters-crlf.txt"), date="2025-02-06", outlet="Reuters wire")
    assert article.date == "2025-02-06"
    assert article.outlet == "Reuters wire"
    coarse = cleaned(raw("reuters-crlf.txt"), date="2025")
    assert coarse.date == "2025-02-06"


def test_metadata_passes_through():
    article = clean(Document(id="x1", text="A short report about a port call by two frigates.",
                             title="Frigates call at Kochi", url="https://example.org/a",
                             outlet="Harbour Times", date="22 Nov 2024"))
    assert (article.id, article.title, article.url, article.outlet, article.date) == (
        "x1", "Frigates call at Kochi", "https://example.org/a", "Harbour Times",
        "2024-11-22")


# --- pieces -------------------------------------------------------------------------------

BODY = ("The two defence ministers discussed joint exercises, maritime security and "
        "co-production of equipment during their meeting, officials said.")


@pytest.mark.parametrize("opening, place, outlet", [
    ("Rome [Italy], April 16 (ANI): ", "Rome", "ANI"),
    ("New Delhi, Feb 6 (PTI) - ", "New Delhi", "PTI"),
    ("WASHINGTON, Feb 6 (Reuters) - ", "Washington", "Reuters"),
    ("NEW DELHI: ", "New Delhi", None),
    ("New Delhi. ", "New Delhi", None),
    ("CANBERRA — ", "Canberra", None),
    ("Tokyo, March 3: ", "Tokyo", None),
    ("Srinagar (Jammu and Kashmir) [India], May 2 (ANI): ", "Srinagar", "ANI"),
    ("Washington, Dec 3 (PTI) ", "Washington", "PTI"),  # no separator after the agency
    ("NEW DELHI, Jan 5 -- ", "New Delhi", None),
])
def test_datelines(opening, place, outlet):
    article = cleaned(opening + BODY)
    assert (article.dateline, article.outlet, article.text) == (place, outlet, BODY)


@pytest.mark.parametrize("opening", [
    "Mr. Singh said the talks went well. ",
    "India-France talks: ",
    "Exclusive: ",
    "Officials: ",
    "Modi meets Biden (VIDEO) ",
    "Defence Minister (retd) ",
])
def test_not_datelines(opening):
    article = cleaned(opening + BODY)
    assert article.dateline is None
    assert article.text == opening + BODY


def test_dateline_with_year():
    assert cleaned("Tokyo, March 3, 2024: " + BODY).date == "2024-03-03"


def test_dateline_year_from_a_date_just_before_it():
    text = "Rome [Italy], April 16 (ANI): Talks were held on 14 April 2025 in Rome."
    assert cleaned(text).date == "2025-04-16"
    far = "Rome [Italy], April 16 (ANI): The pact was first signed on 2 January 2025 in Rome."
    assert cleaned(far).date is None  # months before the dateline: no year to borrow
    after = "Rome [Italy], April 16 (ANI): The next round is due on 20 May 2025 in Delhi."
    assert cleaned(after).date is None  # after the dateline: not its year either


@pytest.mark.parametrize("line, expected", [
    ("date 2024-11-22", "2024-11-22"),
    ("Published: 22 Nov 2024, 10:42 IST", "2024-11-22"),
    ("Updated - November 22, 2024 09:15 pm IST", "2024-11-22"),
    ("Last Updated: Nov 22, 2024 | 10:05 AM IST", "2024-11-22"),
    ("Nov 22, 2024", "2024-11-22"),
    ("Friday, November 22, 2024", "2024-11-22"),
    ("Posted on 22/11/2024", "2024-11-22"),
])
def test_date_lines(line, expected):
    article = cleaned(f"Frigates call at Kochi\n\n{line}\n\n{BODY}")
    assert article.date == expected
    assert article.title == "Frigates call at Kochi"
    assert article.text == BODY


def test_a_sentence_starting_with_a_date_is_not_a_date_line():
    sentence = "Dated March 3, 2024, the order says troops will leave."
    text = f"Published: 22 Nov 2024\n\n{sentence}\n\n{BODY}"
    article = cleaned(text)
    assert article.date == "2024-11-22"
    assert article.text.startswith("Dated March 3, 2024, the order says")


def test_headline_needs_body_after_it():
    assert cleaned("Frigates call at Kochi").title is None
    assert cleaned("Frigates call at Kochi").text == "Frigates call at Kochi"
    article = cleaned(f"A first sentence that is a sentence.\n\n{BODY}")
    assert article.title is None


def test_metadata_title_wins_and_repeated_headline_is_removed():
    article = cleaned(f"Frigates call at Kochi\n\n{BODY}", title="Frigates call at Kochi port")
    assert article.title == "Frigates call at Kochi port"
    assert article.text == BODY


@pytest.mark.parametrize("line", [
    "Home | India | World",
    "Advertisement",
    "ADVERTISEMENT",
    "Sponsored",
    "Also Read: Navy inducts survey vessel",
    "Also read | Army chief visits Egypt",
    "READ MORE",
    "Read more: Coast Guard ships call at Manila",
    "Share this article",
    "Share on WhatsApp",
    "Follow us on Instagram",
    "Subscribe to our daily briefing",
    "Sign up for our newsletter",
    "(Photo: X/@DefenceMinIndia)",
    "Image credit: PTI",
    "Photo: Reuters",
    "File photo",
    "Click here to get the app",
    "This website uses cookies to improve your experience.",
    "Copyright © 2024 Example Media",
    "All rights reserved.",
    "Trending",
    "Tags: Navy, Defence, Oman",
    "Facebook Twitter WhatsApp Email",
])
def test_boilerplate_lines_are_dropped(line):
    article = cleaned(f"{BODY}\n\n{line}\n\n{BODY}")
    assert article.text == f"{BODY}\n\n{BODY}"


@pytest.mark.parametrize("heading", ["More like this", "Top Stories", "Related Stories",
                                     "You may also like", "Latest News", "Recommended",
                                     "Don't miss"])
def test_trailing_teaser_sections_are_cut(heading):
    teasers = ("Army inducts light tanks in Ladakh\n"
               "The first regiment received the vehicles at a ceremony on...\n"
               "Navy chief to visit Japan\n")
    assert cleaned(f"{BODY}\n\n{heading}\n{teasers}").text == BODY


def test_teaser_heading_followed_by_body_keeps_the_body():
    last = f"{BODY} More talks will follow in the coming weeks, they said."
    article = cleaned(f"{BODY}\n\nRelated\n\n{last}")
    assert article.text == f"{BODY}\n\n{last}"


def test_trailing_teaser_run_without_heading():
    teasers = ("Army inducts light tanks in Ladakh\n"
               "The first regiment received the vehicles at a ceremony on…\n"
               "Navy chief to visit Japan\n"
               "The chief of naval staff will hold talks with...")
    assert cleaned(f"{BODY}\n\n{teasers}").text == BODY
    assert cleaned(f"{BODY}\n\n{teasers}\n\nCopyright © 2025 Example Times").text == BODY


def test_a_short_last_paragraph_is_not_a_teaser():
    text = f"{BODY}\n\nThe ministry did not say when talks would resume..."
    assert cleaned(text).text == text


def test_paragraph_text_is_kept_byte_exact():
    body = "  He said: “We’re ready” —\tand left…  \n\nSecond paragraph, with  two spaces."
    article = cleaned(body)
    assert article.text == ("He said: “We’re ready” —\tand left…\n\n"
                            "Second paragraph, with  two spaces.")


def test_press_release_header_with_section_label_and_posted_on_line():
    raw = ("Ministry of Defence\n\nDEFENCE MINISTER HOLDS TALKS WITH UK COUNTERPART IN LONDON\n\n"
           "Posted On: 09 JAN 2024 9:20PM by PIB Delhi\n\n"
           "Raksha Mantri Shri Rajnath Singh held bilateral talks with his UK counterpart in "
           "London on January 09, 2024.\n")
    article = clean(Document(id="pib.txt", text=raw))
    assert article.title == "DEFENCE MINISTER HOLDS TALKS WITH UK COUNTERPART IN LONDON"
    assert article.date == "2024-01-09"
    assert article.text.startswith("Raksha Mantri Shri Rajnath Singh held")


@pytest.mark.parametrize("header, expected", [
    ("February 2, 2023 9:28 AM GMT+8", "2023-02-02"),
    ("May 1, 2025 6:45 PM GMT+5:30", "2025-05-01"),
    ("Posted Fri 25 Aug 2023 at 4:18pm", "2023-08-25"),
    ("By Breaking Defense Staff on October 15, 2024 at 11:32 AM", "2024-10-15"),
])
def test_date_lines_with_time_zones_weekdays_and_bylines(header, expected):
    raw = (f"Ministers meet in Manila\n\n{header}\n\n"
           "MANILA - Defence ministers of the two countries met on Thursday.\n")
    article = clean(Document(id="x.txt", text=raw))
    assert article.date == expected
    assert header not in article.text

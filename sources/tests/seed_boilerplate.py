"""What each seed page carries besides its article, which no stored text may keep.

Shared by the parser tests (records) and the import tests (article rows).
"""

BOILERPLATE = {
    "000": [
        "Bob post",
        "Share This News",
        "Comments",
        "You must be logged in to comment",
        "Read more on Regional",
        "ad",
        "File Photo",
        "May 5, 2025 at 6:33 PM",
        "Desk Report",
    ],
    "001": [
        "Site icon The Nation Express",
        "Site icon",
        "Courtesy : India & Russia",
        "Courtesy",
        "Disclaimer",
        "Disclaimer: This report is based on official statements",
        "This report is based on official statements and diplomatic sources",
        "Source: IndianDefenseNews",
        "Exit mobile version",
    ],
    "002": [
        "What's covered under the Article:",
        "The Current active IPO are",
        "The Closed IPOs are",
        "Start your Stock Market Journey",
        "Join our Trading with CA Abhay Telegram Channel",
        "Related News",
        "Disclaimer",
        "The information provided on this website is for educational",
        "Trading in stocks, forex, commodities",
        "We do not guarantee any profits",
        "By accessing or using this website",
        "-",
        "K N Mishra",
        "05/May/2025",
    ],
    "004": [
        "Modern Tokyo News is part of the Modern Tokyo Times group",
        "http://moderntokyotimes.com",
        "http://sawakoart.com",
        "https://moderntokyonews.com",
        "International News and Japan News",
        "Sawako Utsumi’s website and Modern Tokyo Times artist",
        "PLEASE JOIN ON TWITTER",
        "PLEASE JOIN ON FACEBOOK",
        "https://twitter.com/MTT_News",
        "http://facebook.com/moderntokyotimes",
        "Modern Tokyo Times",
        "date 2025-05-06",
    ],
}


def assert_no_boilerplate(texts: list[str], boilerplate: list[str], *, html: str = "") -> None:
    """Boilerplate must not survive in any article text field (nor in ``html``).

    Short markers ("ad", "Comments") are compared as whole items, since they occur
    inside ordinary words; longer ones must not occur anywhere in the text.
    """
    for marker in boilerplate:
        for text in texts:
            if len(marker) < 12:
                assert text != marker, f"boilerplate {marker!r} kept as {text!r}"
            else:
                assert marker not in text, f"boilerplate {marker!r} kept in {text!r}"
                assert marker not in html, f"boilerplate {marker!r} kept in the HTML body"

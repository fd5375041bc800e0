"""Venue strings from OpenReview and Semantic Scholar → the catalog's structured venue.

OpenReview's `venue` wording changes every year ("ICLR 2024 poster", "ICLR 2025 Poster", "ICLR 2023
notable top 5%", "ICML 2025 spotlightposter"), so presentation comes from a table per venue and
year (research/api-brief.md §3), never from a pattern that happens to fit this year. Name, year and
track come from the structured `venueid` ("ICLR.cc/2024/Conference") when there is one.
"""

from __future__ import annotations

import re

from alignhub.metadata.records import FetchedVenue, Presentation, Status, Track

# OpenReview group → venue name as the taxonomy spells it.
GROUPS = {"ICLR.cc": "ICLR", "NeurIPS.cc": "NeurIPS", "ICML.cc": "ICML", "colmweb.org": "COLM", "TMLR": "TMLR"}

_O: Presentation = "oral"
_S: Presentation = "spotlight"
_P: Presentation = "poster"
_PLAIN: dict[str, Presentation | None] = {"oral": _O, "spotlight": _S, "poster": _P}

# (venue, year, track) → what follows "<venue> <year>" in an accepted paper's `venue`, case-folded.
PRESENTATIONS: dict[tuple[str, int, Track | None], dict[str, Presentation | None]] = {
    ("ICLR", 2021, None): _PLAIN,  # v1: Oral, Spotlight, Poster
    ("ICLR", 2022, None): _PLAIN,
    ("ICLR", 2023, None): {"notable top 5%": _O, "notable top 25%": _S, "poster": _P},
    ("ICLR", 2024, None): _PLAIN,  # oral, spotlight, poster
    ("ICLR", 2025, None): _PLAIN,  # Oral, Spotlight, Poster
    ("ICLR", 2026, None): {"oral": _O, "poster": _P},
    ("NeurIPS", 2021, None): _PLAIN,
    ("NeurIPS", 2022, None): {"accept": None},  # v1 says only "Accept"
    ("NeurIPS", 2023, None): _PLAIN,
    ("NeurIPS", 2024, None): _PLAIN,
    ("NeurIPS", 2025, None): _PLAIN,
    ("NeurIPS", 2024, "datasets-benchmarks"): {
        "track datasets and benchmarks oral": _O,
        "track datasets and benchmarks spotlight": _S,
        "track datasets and benchmarks poster": _P,
    },
    ("NeurIPS", 2025, "datasets-benchmarks"): {
        "datasets and benchmarks track oral": _O,
        "datasets and benchmarks track spotlight": _S,
        "datasets and benchmarks track poster": _P,
    },
    ("ICML", 2023, None): {"poster": _P, "oralposter": _O},
    ("ICML", 2024, None): _PLAIN,
    ("ICML", 2025, None): {"oral": _O, "spotlightposter": _S, "poster": _P},
    ("ICML", 2026, None): {"regular": None, "spotlight": _S},  # "regular" names no presentation
}

# v2: the venueid's last part after the venue's own id is the decision.
_V2_STATUS: dict[str, Status] = {
    "Rejected_Submission": "rejected",
    "Withdrawn_Submission": "withdrawn",
    "Desk_Rejected_Submission": "desk-rejected",
    "Submission": "submitted",
}

# Semantic Scholar's full venue names (its `venue` field) → the taxonomy's names.
S2_VENUES = {
    "neural information processing systems": "NeurIPS",
    "international conference on machine learning": "ICML",
    "international conference on learning representations": "ICLR",
    "annual meeting of the association for computational linguistics": "ACL",
    "conference on empirical methods in natural language processing": "EMNLP",
    "north american chapter of the association for computational linguistics": "NAACL",
    "conference of the european chapter of the association for computational linguistics": "EACL",
    "international conference on computational linguistics": "COLING",
    "aaai conference on artificial intelligence": "AAAI",
    "international joint conference on artificial intelligence": "IJCAI",
    "knowledge discovery and data mining": "KDD",
    "the web conference": "WWW",
    "computer vision and pattern recognition": "CVPR",
    "conference on fairness, accountability and transparency": "FAccT",
    "aaai/acm conference on ai, ethics, and society": "AIES",
    "trans. mach. learn. res.": "TMLR",
    "transactions on machine learning research": "TMLR",
    "transactions of the association for computational linguistics": "TACL",
    "journal of machine learning research": "JMLR",
    "nature machine intelligence": "Nature Machine Intelligence",
    "acm computing surveys": "ACM Computing Surveys",
    "conference on language modeling": "COLM",
}


def _track(parts: list[str]) -> tuple[Track | None, str | None]:
    rest = "/".join(parts)
    if "Datasets_and_Benchmarks" in rest:
        return "datasets-benchmarks", None
    if parts and parts[0] == "Workshop":
        return "workshop", parts[1].replace("_", " ") if len(parts) > 1 else None
    return None, None


def _from_venueid(venueid: str | None) -> tuple[str, int, Track | None, str | None, str] | None:
    """("ICLR", 2024, track, workshop, decision-part) from "ICLR.cc/2024/Conference[/…]"; None if unknown."""
    if not venueid:
        return None
    parts = venueid.split("/")
    if len(parts) < 3 or parts[0] not in GROUPS or not parts[1].isdigit():
        return None
    tail = parts[-1] if parts[-1] in _V2_STATUS else ""
    body = parts[2:-1] if tail else parts[2:]
    track, workshop = _track(body)
    return GROUPS[parts[0]], int(parts[1]), track, workshop, tail


def _from_text(text: str) -> tuple[str, int] | None:
    match = re.match(r"^\s*(?:submitted to\s+)?([A-Za-z]+)\s+(\d{4})\b", text, re.IGNORECASE)
    if not match:
        return None
    names = {name.casefold(): name for name in GROUPS.values()}
    name = names.get(match.group(1).casefold())
    return (name, int(match.group(2))) if name else None


def presentation(name: str, year: int, track: Track | None, venue_text: str) -> Presentation | None:
    """Look the words after "<name> <year>" up in that venue-year's table; None when unknown."""
    rest = re.sub(rf"^\s*{re.escape(name)}\s+{year}\s*", "", venue_text, flags=re.IGNORECASE).strip().casefold()
    return PRESENTATIONS.get((name, year, track), {}).get(rest)


def decode(venue_text: str | None, venueid: str | None, api: str) -> tuple[Status, FetchedVenue | None]:
    """OpenReview's decision and, for an accepted paper, its structured venue."""
    text = (venue_text or "").strip()
    folded = text.casefold()
    structured = _from_venueid(venueid)
    if api == "v2" and structured:
        name, year, track, workshop, tail = structured
        if tail:
            return _V2_STATUS[tail], None
    else:
        # v1 puts the venueid on rejected papers too: the wording decides.
        if "withdrawn" in folded:
            return "withdrawn", None
        if "desk rejected" in folded or "desk-rejected" in folded:
            return "desk-rejected", None
        if folded.startswith("submitted to") or folded.endswith("submitted") or "rejected" in folded:
            return "rejected", None
        from_text = _from_text(text)
        if structured:
            name, year, track, workshop, _ = structured
        elif from_text:
            (name, year), track, workshop = from_text, None, None
        else:
            return "unknown", None
    return "accepted", FetchedVenue(name=name, year=year, track=track, workshop=workshop,
                                    presentation=presentation(name, year, track, text))


def s2_venue(name: str | None) -> str | None:
    """The taxonomy name for a Semantic Scholar venue, when it is one we know; "arXiv.org" gives None."""
    return S2_VENUES.get((name or "").strip().casefold())

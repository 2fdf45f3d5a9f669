"""What kind of venue a record's `venue` names, for BibTeX entry types and printed references.

A venue is free text ("ICML 2024", "Proceedings of ACL", "Nature",
"arXiv preprint"); BibTeX wants `@inproceedings` with `booktitle` for a
conference, `@article` with `journal` for a journal. Known acronyms and the
words venues use decide; anything else stays `@misc` with `howpublished`.
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["conference", "journal", "preprint", "other"]

_CONFERENCES = (
    "AAAI ACL AISTATS ALT ASPLOS CHI CIKM COLING COLM COLT CoNLL CoRL CVPR EACL ECCV ECML EMNLP FAccT "
    "ICASSP ICCV ICDM ICLR ICML ICRA IJCAI INTERSPEECH IROS ISCA KDD LREC MICCAI MLSys NAACL NeurIPS "
    "NIPS NSDI OSDI RecSys RSS SIGGRAPH SIGIR SIGMOD SODA SOSP STOC FOCS UAI VLDB WACV WSDM WWW BMVC"
).split()
_JOURNALS = "JMLR TMLR TACL TPAMI PAMI IJCV PNAS CACM".split()
_ACRONYMS = {name.lower(): "conference" for name in _CONFERENCES} | {name.lower(): "journal" for name in _JOURNALS}


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.IGNORECASE)


_CONFERENCE_WORDS = _words(
    r"proc\.|proceedings|conference|conf\.|symposium|workshops?|findings|meeting|congress|advances in neural"
)
_JOURNAL_WORDS = _words(r"journal|transactions|trans\.|letters|review|magazine|nature|annals|bulletin|national academy|^science$")
_PREPRINT = _words(r"arxiv|corr|preprint|biorxiv|medrxiv|openreview")
_WORD = re.compile(r"[A-Za-z]+")


def venue_kind(venue: str | None) -> Kind:
    """Conference, journal, preprint server, or other (unknown) for a venue as written."""
    if not venue:
        return "other"
    acronyms = {_ACRONYMS.get(word.lower()) for word in _WORD.findall(venue)}
    if "journal" in acronyms or _JOURNAL_WORDS.search(venue.strip()):
        return "journal"
    if "conference" in acronyms or _CONFERENCE_WORDS.search(venue):
        return "conference"
    if _PREPRINT.search(venue):
        return "preprint"
    return "other"


def names_year(venue: str | None, year: int | None) -> bool:
    """Whether the venue already says the year ("ICML 2024"): a reference then prints it once."""
    return bool(venue and year and re.search(rf"(?<!\d){year}(?!\d)", venue))

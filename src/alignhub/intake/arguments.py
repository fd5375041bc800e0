"""The `add`, `import` and `watch` command lines; kept apart from the commands so parsing imports no HTTP code."""

from __future__ import annotations

import argparse
from pathlib import Path

from alignhub.intake.settings import WatchSettings
from alignhub.settingsdoc import settings_epilog

ADD_HELP = "Create entries/<section>/<id>.yaml for an arXiv or OpenReview paper, ready for its summary."
IMPORT_HELP = ("Create draft entries for the papers of an awesome-list markdown file or a BibTeX file, "
               "skipping those already in the catalog.")
WATCH_HELP = ("Ask arXiv for new submissions since the last run, rank them by relevance to the catalog and write "
              "a triage report.")


def add_add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paper", help="arXiv id (2305.18290, hep-th/9901001, an arxiv.org URL) or OpenReview forum id")
    p.add_argument("--section", required=True, help="the section folder, e.g. methods")
    p.add_argument("--topic", required=True, help="a topic of that section, e.g. offline-preference-optimization")
    p.add_argument("--id", dest="entry_id", metavar="ID", help="the entry id (default: from the short name or title)")
    p.add_argument("--type", help="the entry type (default: from the section)")
    p.add_argument("--tag", dest="tags", action="append", default=[], metavar="TAG", help="a tag (repeatable)")


IMPORT_EPILOG = (
    "A --map file is YAML, one 'heading: section/topic' per line (case, emoji and punctuation of the heading "
    "do not matter); a paper goes where its nearest mapped heading says, else to --section/--topic. "
    "Imported entries are drafts: `alignhub validate` lists them until their summaries are written."
)


def add_import_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = IMPORT_EPILOG
    p.add_argument("path", type=Path, metavar="PATH", help="the markdown (.md, .txt) or BibTeX (.bib) file")
    p.add_argument("--format", choices=["markdown", "bibtex"], help="the file's format (default: from its extension)")
    p.add_argument("--section", help="section for papers no mapped heading places")
    p.add_argument("--topic", help="topic (of --section) for those papers")
    p.add_argument("--map", dest="mapping", type=Path, metavar="FILE", help="YAML file: heading → section/topic")
    p.add_argument("--dry-run", action="store_true", help="write nothing; report what would be imported")
    p.add_argument("--report", choices=["text", "json"], default="text",
                   help="json: print {imported, duplicates, unparsed} (default: text)")


def add_watch_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = settings_epilog(WatchSettings, "arXiv is asked with the settings of `alignhub enrich`.")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="ask from this day (default: the last run, else `days` ago)")
    p.add_argument("--output", metavar="FILE", help="where to write the report (default: the `report` setting; "
                                                    "'-' for standard output)")
    p.add_argument("--dry-run", action="store_true", help="keep the state file as it is")

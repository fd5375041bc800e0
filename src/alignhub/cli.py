"""The `alignhub` command: argument parsing, printing and exit codes — the work is in the pipeline.

Exit status: 0 all good, 1 problems found (or outputs stale), 2 the command was misused.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from alignhub import __version__
from alignhub.config import ConfigError, SettingsModel
from alignhub.errors import UsageError
from alignhub.gcpause import gc_paused
from alignhub.problems import colour_for, summarize
from alignhub.settingsdoc import SettingDoc, settings_doc

# The catalog's machinery (the entry models, the taxonomy, Jinja) is imported by the commands that use
# it, not here: `alignhub links FILE` needs none of it, and importing it would double that command's
# start-up time.
if TYPE_CHECKING:
    import jinja2

    from alignhub.catalog import LoadedCatalog

OK, PROBLEMS, MISUSE = 0, 1, 2
# The command line runs no threads of its own, so a big cold run may fork one checker per core.
WORKERS = os.cpu_count() or 1


def _root(args: argparse.Namespace) -> Path:
    from alignhub.loader import ENTRIES_DIR

    root = Path(args.root).resolve()
    if not (root / ENTRIES_DIR).is_dir():
        raise UsageError(f"no {ENTRIES_DIR}/ folder in {root}: run from the catalog root or pass --root DIR")
    return root


def _report(loaded: LoadedCatalog, out: TextIO | None = None) -> int:
    """Print the problems (to `out`, stdout by default), coloured on a terminal; 1 if there are any."""
    out = out or sys.stdout
    paint = colour_for(out)
    for problem in loaded.problems:
        print(paint(problem), file=out)
    if loaded.problems:
        print(summarize(loaded.problems), file=out)
        return PROBLEMS
    return OK


@dataclass(frozen=True)
class ValidateOptions:
    root: Path
    use_cache: bool = True
    strict: bool = False  # metadata-cache findings that mean a wrong id are errors


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    check: bool = False  # write nothing; report the stale files
    use_cache: bool = True


@dataclass(frozen=True)
class ExportOptions:
    root: Path
    format: str  # a key of alignhub.exportformats.FORMATS
    output: str = "-"  # a file, or "-" for standard output


@dataclass(frozen=True)
class StatsOptions:
    root: Path
    json: bool = False  # the figures as JSON


@dataclass(frozen=True)
class SchemaOptions:
    root: Path


def cmd_validate(args: argparse.Namespace) -> int:
    return validate(ValidateOptions(_root(args), not args.no_cache, args.strict))


def validate(options: ValidateOptions) -> int:
    from alignhub import pipeline
    from alignhub.metadata import consistency

    root = options.root
    loaded = pipeline.load(root, use_cache=options.use_cache, workers=WORKERS)
    pipeline.save_cache(loaded)
    # What the committed metadata cache says (wrong ids, venues to update): warnings, errors with --strict.
    found = consistency.findings(root, loaded.catalog) + loaded.advisories
    errors, warnings = consistency.split(found, strict=options.strict)
    loaded.problems = sorted(loaded.problems + errors)
    for line in warnings:
        print(line)
    status = _report(loaded)
    if status == OK:
        print(f"{len(loaded.catalog.entries)} entries, no problems")
    return status


def cmd_build(args: argparse.Namespace) -> int:
    return build(BuildOptions(_root(args), args.check, not args.no_cache))


def build(options: BuildOptions) -> int:
    from alignhub import pipeline

    root = options.root
    loaded = pipeline.load(root, use_cache=options.use_cache, workers=WORKERS)
    if _report(loaded) != OK:
        pipeline.save_cache(loaded)
        print("nothing was written: fix the problems above first", file=sys.stderr)
        return PROBLEMS
    parser = build_parser()
    outputs = pipeline.generate(loaded, root, commands=command_reference(parser), cli_help=help_text(parser))
    pipeline.save_cache(loaded)
    if options.check:
        stale = pipeline.stale_outputs(outputs, root)
        for name in stale:
            print(f"{name}: stale (differs from what entries/ gives)")
        if stale:
            print("run `alignhub build` and commit the result")
            return PROBLEMS
        print(f"{len(outputs)} generated files are up to date")
        return OK
    written = pipeline.write_outputs(outputs, root)
    print(f"wrote {', '.join(written)}" if written else "all generated files were already up to date")
    return OK


def cmd_stats(args: argparse.Namespace) -> int:
    return stats(StatsOptions(_root(args), args.json))


def stats(options: StatsOptions) -> int:
    from alignhub import pipeline

    loaded = pipeline.load(options.root)
    catalog = loaded.catalog
    missing_zh = sorted(e.path for e in catalog.entries if not e.entry.summary.zh)
    by_type = Counter(e.entry.type for e in catalog.entries)
    by_year = Counter(e.entry.year for e in catalog.entries)
    if options.json:
        data = {
            "entries": len(catalog.entries),
            "sections": {
                g.section.id: {"count": g.count, "topics": {t.topic.id: len(t.entries) for t in g.topics}}
                for g in catalog.sections
            },
            "types": dict(sorted(by_type.items())),
            "years": {str(y): n for y, n in sorted(by_year.items())},
            "missing_zh_summary": missing_zh,
            "problems": len(loaded.problems),
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return _stats_problems(loaded)
    print(f"{len(catalog.entries)} entries")
    for group in catalog.sections:
        print(f"\n{group.section.en} ({group.section.id}): {group.count}")
        for t in group.topics:
            print(f"  {len(t.entries):4d}  {t.topic.id}")
    print("\ntypes: " + ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())))
    print("years: " + ", ".join(f"{k} {v}" for k, v in sorted(by_year.items())))
    print(f"\nmissing Chinese summary: {len(missing_zh)}")
    for path in missing_zh:
        print(f"  {path}")
    return _stats_problems(loaded)


def _stats_problems(loaded: LoadedCatalog) -> int:
    """Figures leave out invalid entries: say so on stderr, and fail."""
    if _report(loaded, sys.stderr) != OK:
        print("the figures above leave out the entry files with problems (run `alignhub validate`)", file=sys.stderr)
        return PROBLEMS
    return OK


def cmd_schema(args: argparse.Namespace) -> int:
    return schema(SchemaOptions(_root(args)))


def schema(options: SchemaOptions) -> int:
    from alignhub import pipeline
    from alignhub.schema import entry_json_schema_text

    loaded = pipeline.load(options.root)
    sys.stdout.write(entry_json_schema_text(loaded.catalog.taxonomy))
    return OK


def cmd_links(args: argparse.Namespace) -> int:
    from alignhub.links import command

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    root = Path(args.root).resolve() if args.files else _root(args)
    options, settings = command.from_arguments(args, root)
    return command.run(options, settings, root)


def cmd_enrich(args: argparse.Namespace) -> int:
    from alignhub.enrich import command  # imports the HTTP clients: only for the commands that use them
    from alignhub.sources.settings import load_settings

    root = _root(args)
    return command.run_enrich(command.EnrichOptions.from_arguments(args), load_settings(root), root)


def cmd_add(args: argparse.Namespace) -> int:
    from alignhub.intake import command
    from alignhub.intake.add import AddRequest

    return command.run_add(AddRequest.from_arguments(args), _root(args))


def cmd_import(args: argparse.Namespace) -> int:
    from alignhub.intake import command

    return command.run_import(command.ImportOptions.from_arguments(args), _root(args))


def cmd_watch(args: argparse.Namespace) -> int:
    from alignhub.intake import watch

    root = _root(args)
    return watch.run(watch.WatchOptions.from_arguments(args), root)


def cmd_export(args: argparse.Namespace) -> int:
    return export(ExportOptions(_root(args), args.format, args.output))


def export(options: ExportOptions) -> int:
    from alignhub import exports, fsutil, pipeline
    from alignhub.config import load_config
    from alignhub.metadata.lookup import lookup
    from alignhub.resources import templates_dir
    from alignhub.site.urls import entry_url

    root = options.root
    loaded = pipeline.load(root)
    if _report(loaded, sys.stderr) != OK:  # stdout may be the export's file
        print("nothing was exported: fix the problems above first", file=sys.stderr)
        return PROBLEMS
    site_url = load_config(root, "site").get("url")
    if site_url is not None and not isinstance(site_url, str):
        raise ConfigError("pyproject.toml: [tool.alignhub.site] url must be a string")
    text = exports.export(options.format, loaded.catalog, templates_dir(root), site_url, lookup(root, loaded.catalog),
                          entry_url)
    if options.output == "-":
        sys.stdout.write(text)
        return OK
    fsutil.atomic_write_text(Path(options.output), text)
    print(f"wrote {options.output}: {len(loaded.catalog.entries)} entries as {options.format}", file=sys.stderr)
    return OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=".", metavar="DIR", help="catalog root holding entries/ (default: .)")
    parser = argparse.ArgumentParser(
        prog="alignhub",
        description="Validate, enrich and publish the alignhub catalog of LLM-alignment research.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"alignhub {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("validate", cmd_validate, "Check every entry against the schema, the taxonomy and each other.")
    p.add_argument("--no-cache", action="store_true", help="parse every file, ignoring the parse cache")
    p.add_argument("--strict", action="store_true",
                   help="metadata-cache findings that mean a wrong id (title mismatch, not found) are errors (CI)")
    p = add("build", cmd_build,
            "Write README.md, README.zh-CN.md, CONTRIBUTING.md, docs/cli.md and the entry schema from the entries.")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 naming the files that are stale")
    p.add_argument("--no-cache", action="store_true", help="parse every file, ignoring the parse cache")
    p = add("stats", cmd_stats, "Counts per section, topic, type and year; entries missing a Chinese summary.")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    add("schema", cmd_schema, "Print the JSON Schema of an entry file (for editors).")
    p = add("export", cmd_export, "Write the catalog as BibTeX, JSON, CSV or an Atom feed of the newest entries.")
    from alignhub.exportformats import FORMATS

    p.add_argument("--format", required=True, choices=list(FORMATS),
                   help="what to write (atom: a feed of the 50 newest entries)")
    p.add_argument("--output", default="-", metavar="FILE", help="file to write (default: standard output)")
    from alignhub.links import command as links_command

    links_command.add_arguments(add("links", cmd_links, links_command.HELP))
    from alignhub.enrich import arguments as enrich_args
    from alignhub.intake import arguments as intake_args

    enrich_args.add_enrich_arguments(add("enrich", cmd_enrich, enrich_args.ENRICH_HELP))
    intake_args.add_add_arguments(add("add", cmd_add, intake_args.ADD_HELP))
    intake_args.add_import_arguments(add("import", cmd_import, intake_args.IMPORT_HELP))
    intake_args.add_watch_arguments(add("watch", cmd_watch, intake_args.WATCH_HELP))
    return parser


@dataclass(frozen=True)
class OptionDoc:
    usage: str  # "--format bibtex|json|csv|atom"
    help: str


@dataclass(frozen=True)
class CommandDoc:
    usage: str  # "alignhub import PATH"
    help: str
    options: list[OptionDoc]
    name: str = ""
    section: str = ""  # its [tool.alignhub.<section>] table, when it has settings
    settings: tuple[SettingDoc, ...] = ()
    text: str = ""  # its whole `--help` output: docs/cli.md prints it as the command's reference


# The width `--help` is laid out at in docs/cli.md: fixed, so the generated page does not depend on
# the terminal that ran `alignhub build`.
HELP_WIDTH = 100


def help_text(parser: argparse.ArgumentParser) -> str:
    """What `--help` prints for `parser`, laid out at HELP_WIDTH columns whatever the terminal."""
    kind: Any = parser.formatter_class  # a HelpFormatter subclass: it takes a width
    parser.formatter_class = functools.partial(kind, width=HELP_WIDTH)
    try:
        return parser.format_help()
    finally:
        parser.formatter_class = kind


def settings_models() -> dict[str, type[SettingsModel]]:
    """The commands that have settings, and the model of each (its table in pyproject.toml)."""
    from alignhub.intake.settings import WatchSettings
    from alignhub.links.settings import LinkSettings
    from alignhub.sources.settings import Settings

    return {"links": LinkSettings, "enrich": Settings, "watch": WatchSettings}  # `add` reads enrich's too


# Said once for all commands in the README rather than under each.
_COMMON_OPTIONS = {"--root", "-h", "--help"}


def _usage(action: argparse.Action) -> str:
    value = "|".join(str(c) for c in action.choices) if action.choices else (action.metavar or action.dest.upper())
    if not action.option_strings:
        return str(value) + (" ..." if action.nargs in ("+", "*") else "")
    flag = max(action.option_strings, key=len)
    return flag if action.nargs == 0 else f"{flag} {value}"


def command_reference(parser: argparse.ArgumentParser) -> list[CommandDoc]:
    """Every command with its arguments and options, as the parser defines them: the README's
    command reference is written from this, so it cannot miss an option the CLI has."""
    commands = []
    models = settings_models()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():  # type: ignore[union-attr]
            arguments = [a for a in sub._actions if not a.option_strings]
            options = [a for a in sub._actions if a.option_strings and not _COMMON_OPTIONS & set(a.option_strings)]
            usage = " ".join(["alignhub", name, *(_usage(a) for a in arguments)])
            model = models.get(name)
            commands.append(CommandDoc(usage, sub.description or "", [
                OptionDoc(_usage(a), (a.help or "") % {"default": a.default} if a.help else "") for a in options
            ], name, model.section if model else "", tuple(settings_doc(model)) if model else (), help_text(sub)))
    return commands


def _template_place(err: jinja2.TemplateError) -> str:
    """`file:line: ` of the template where `err` arose: a syntax error carries it; for an error while
    rendering it is the innermost template frame of the traceback (Jinja puts the template's lines there)."""
    import jinja2

    if isinstance(err, jinja2.TemplateSyntaxError):
        return f"{err.filename or err.name}:{err.lineno}: "
    frames = [f for f in traceback.extract_tb(err.__traceback__) if not f.filename.endswith(".py")]
    return f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `alignhub` alone: what it can do, rather than an error about COMMAND
        parser.print_help(sys.stderr)
        return MISUSE
    try:
        with gc_paused():
            return int(args.func(args))
    except UsageError as err:
        parser.exit(MISUSE, f"alignhub: error: {err}\n")
    except ConfigError as err:
        print(f"alignhub: {err}", file=sys.stderr)
        return PROBLEMS
    except OSError as err:
        print(f"alignhub: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return PROBLEMS
    except KeyboardInterrupt:
        print("alignhub: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        status = _report_failure(err)
        if status is None:
            raise
        return status
    return OK  # pragma: no cover - parser.exit raises


def _report_failure(err: Exception) -> int | None:
    """PROBLEMS after printing an unusable taxonomy's or template's error; None for anything else (a bug).

    Imported here, on failure only: a command that raised one of these has loaded its module already.
    """
    import jinja2

    from alignhub.taxonomy import TaxonomyError

    if isinstance(err, TaxonomyError):
        for problem in err.problems:
            print(problem.format())
        print(summarize(err.problems) + " (the taxonomy itself)")
        return PROBLEMS
    if isinstance(err, jinja2.TemplateError):  # a catalog's template override that is broken or misses a variable
        print(f"alignhub: template error: {_template_place(err)}{err.message or err}", file=sys.stderr)
        return PROBLEMS
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

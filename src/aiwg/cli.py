"""The typer app: parses flags, calls one command module, turns errors into one line and an exit code."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand

from aiwg import __version__, console
from aiwg.errors import EXIT_USAGE, AiwgError
from aiwg.lazy import lazy_module
from aiwg.project_root import find_project_root

# Commands, the engine and rich load when a command runs, so `--help`/`--version` stay fast.
if TYPE_CHECKING:
    from aiwg import engine
    from aiwg.commands import context as context_command
    from aiwg.commands import deploy as deploy_command
    from aiwg.commands import diff as diff_command
    from aiwg.commands import init as init_command
    from aiwg.commands import library_views
    from aiwg.commands import platforms as platforms_command
    from aiwg.commands import status as status_command
    from aiwg.engine import Context
    from aiwg.render import Scope
else:
    engine = lazy_module("aiwg.engine")
    context_command = lazy_module("aiwg.commands.context")
    deploy_command = lazy_module("aiwg.commands.deploy")
    diff_command = lazy_module("aiwg.commands.diff")
    init_command = lazy_module("aiwg.commands.init")
    library_views = lazy_module("aiwg.commands.library_views")
    platforms_command = lazy_module("aiwg.commands.platforms")
    status_command = lazy_module("aiwg.commands.status")
from aiwg.items import KINDS

app = typer.Typer(
    name="aiwg",
    help="One library of AI-assistant context, deployed to every platform without losing a hand edit.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

def _complete_platform(incomplete: str) -> list[str]:
    from aiwg.adapters import default_registry

    return [name for name in sorted(default_registry().keys()) if name.startswith(incomplete)]


def _complete_item(incomplete: str) -> list[str]:
    try:
        library = _context(None).library
    except AiwgError:  # completion never fails the shell; a broken library completes nothing
        return []
    return sorted(name for item in library.items.values() for name in (item.id, item.name)
                  if name.startswith(incomplete))


def _complete_scope(incomplete: str) -> list[str]:
    return [scope for scope in ("project", "user") if scope.startswith(incomplete)]


ProjectOption = Annotated[Path | None, typer.Option(
    "--project", help="Project root (default: nearest folder with aiwg.toml, .aiwg or .git).",
    file_okay=False, metavar="DIR")]
PlatformOption = Annotated[list[str] | None, typer.Option(
    "--platform", "-p", help="Platform id or alias; repeat for several (see `aiwg platforms`).",
    metavar="ID", autocompletion=_complete_platform)]
ScopeOption = Annotated[str, typer.Option(
    "--scope", help="project: files in the project; user: the platform's files in your home.",
    metavar="[project|user]", autocompletion=_complete_scope)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Overwrite hand edits, conflicts and files aiwg did not write.")]
AdoptOption = Annotated[bool, typer.Option(
    "--adopt", help="Manage existing files aiwg did not write, keeping their bytes (--force overwrites).")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting files.")]
FrozenOption = Annotated[bool, typer.Option(
    "--frozen", help="Use only what aiwg.lock pins; fail if it is missing or stale (default "
    "when CI is set).")]
ExplainOption = Annotated[bool, typer.Option(
    "--explain", help="Print the loss report: what each platform will not see, or sees reduced.")]


F = TypeVar("F", bound=Callable[..., int])


def _one_line_errors(command: F) -> F:
    """Run a command; its problems become one line on stderr and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        # Under --json an error is a JSON document on stdout too, so a script parses one thing.
        console.set_json_errors(bool(kwargs.get("as_json")))
        try:
            code = command(*args, **kwargs)
        except AiwgError as error:
            code = error.exit_code
            problems: list[str] = list(getattr(error, "problems", ()))
            if len(problems) == 1:  # one problem is one line, with what to do about it
                console.error(f"{problems[0]} (fix it before deploying)", code)
            else:
                # LibraryProblems carries one line per problem, printed before the summary.
                console.error(str(error), code, problems=problems)
        except KeyboardInterrupt:
            code = 130
            console.error("interrupted", code)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            code = EXIT_USAGE
            console.error(f"{where}{error.strerror or error}", code)
        except Exception as error:  # a bug: one line unless asked for the traceback
            if os.environ.get("AIWG_DEBUG"):
                raise
            code = 70
            console.error(f"internal error: {type(error).__name__}: {error} "
                          "(set AIWG_DEBUG=1 for a traceback)", code)
        if code:
            raise typer.Exit(code)
        return 0

    return wrapper  # type: ignore[return-value]


def _context(project: Path | None, frozen: bool = False) -> Context:
    root = project.resolve() if project else find_project_root(Path.cwd())
    if not root.is_dir():
        raise AiwgError(f"--project {project}: not a folder")
    return engine.Context(project_root=root, frozen=frozen)


def _scope(value: str) -> Scope:
    if value not in ("project", "user"):
        raise AiwgError(f"--scope: expected 'project' or 'user', got {value!r}")
    return "project" if value == "project" else "user"


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"aiwg {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
          quiet: Annotated[bool, typer.Option(
              "--quiet", "-q", help="Print only errors and what was asked for (JSON, diffs).")] = False,
          verbose: Annotated[bool, typer.Option(
              "--verbose", "-v", help="Print every output a run touches or checks.")] = False,
          ) -> None:
    """aiwg keeps one library of rules, agents, skills, commands and MCP servers, and deploys it
    into the files each AI coding assistant reads."""
    console.set_verbosity(quiet=quiet, verbose=verbose)


@app.command()
@_one_line_errors
def deploy(platform: PlatformOption = None,
           all_platforms: Annotated[bool, typer.Option("--all", help="Every platform.")] = False,
           scope: ScopeOption = "project", dry_run: DryRunOption = False,
           force: ForceOption = False, adopt: AdoptOption = False, yes: YesOption = False,
           as_json: JsonOption = False, explain: ExplainOption = False,
           frozen: FrozenOption = False, project: ProjectOption = None) -> int:
    """Render the library into the given platforms' files.

    \b
    Examples:
      aiwg deploy -p cursor -p codex   two platforms
      aiwg deploy --all --dry-run      preview every platform
      aiwg deploy -p claude-code --scope user
    """
    return deploy_command.run(_context(project, frozen), "deploy", platform or [],
                              all_platforms=all_platforms, scope=_scope(scope), dry_run=dry_run,
                              force=force, adopt=adopt, yes=yes, as_json=as_json, explain=explain)


@app.command()
@_one_line_errors
def sync(scope: ScopeOption = "project", dry_run: DryRunOption = False,
         force: ForceOption = False, adopt: AdoptOption = False, yes: YesOption = False,
         as_json: JsonOption = False, explain: ExplainOption = False,
         frozen: FrozenOption = False, project: ProjectOption = None) -> int:
    """Bring every deployed platform (manifest or aiwg.toml) up to date; prune what aiwg owns.

    \b
    Examples:
      aiwg sync                  after editing the library
      aiwg sync --scope user     your home-folder platforms
    """
    return deploy_command.run(_context(project, frozen), "sync", [], scope=_scope(scope),
                              dry_run=dry_run, force=force, adopt=adopt, yes=yes,
                              as_json=as_json, explain=explain)


@app.command()
@_one_line_errors
def remove(platform: PlatformOption = None,
           all_platforms: Annotated[bool, typer.Option(
               "--all", help="Every platform aiwg deployed in this scope.")] = False,
           scope: ScopeOption = "project",
           dry_run: DryRunOption = False, force: ForceOption = False, yes: YesOption = False,
           as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Take back what aiwg wrote for a platform; keep what people edited.

    \b
    Examples:
      aiwg remove -p cursor        take back Cursor's files
      aiwg remove --all --yes      take back everything aiwg wrote here
    """
    return deploy_command.run(_context(project), "remove", platform or [],
                              all_platforms=all_platforms, scope=_scope(scope),
                              dry_run=dry_run, force=force, yes=yes, as_json=as_json)


@app.command()
@_one_line_errors
def diff(platform: PlatformOption = None, scope: ScopeOption = "project",
         stat: Annotated[bool, typer.Option("--stat", help="One line per file.")] = False,
         check: Annotated[bool, typer.Option(
             "--check", help="Exit 1 when the files differ in any way from the library.")] = False,
         as_json: JsonOption = False, frozen: FrozenOption = False,
         output_format: Annotated[str, typer.Option(
             "--format", help="text (a unified diff), json (as --json) or sarif (SARIF 2.1.0: "
             "one result per differing file, for code-scanning uploads).",
             metavar="[text|json|sarif]")] = "text",
         project: ProjectOption = None) -> int:
    """Show exactly what a deploy or sync would change, and hand edits as drift.

    \b
    Examples:
      aiwg diff                  unified diff of the plan
      aiwg diff --check --stat   for CI: exit 1 and one line per differing file
      aiwg diff --check --frozen CI with shared sources: aiwg.lock must pin them
      aiwg diff --check --format sarif > aiwg.sarif   for github/codeql-action/upload-sarif
    """
    if output_format not in ("text", "json", "sarif"):
        raise AiwgError(f"--format: expected text, json or sarif, got {output_format!r}")
    return diff_command.run(_context(project, frozen), platform or [], scope=_scope(scope),
                            stat=stat, check=check, as_json=as_json or output_format == "json",
                            sarif=output_format == "sarif")


@app.command()
@_one_line_errors
def status(platform: PlatformOption = None, scope: ScopeOption = "project",
           show_all: Annotated[bool, typer.Option(
               "--all", help="List up-to-date outputs too.")] = False,
           as_json: JsonOption = False, frozen: FrozenOption = False,
           project: ProjectOption = None) -> int:
    """A summary per platform, then each output that is not up to date (exit 1 on conflicts).

    \b
    Examples:
      aiwg status                  what needs attention
      aiwg status --all -p codex   every Codex output and its state
    """
    return status_command.run(_context(project, frozen), platform or [], scope=_scope(scope),
                              as_json=as_json, show_all=show_all)


@app.command()
@_one_line_errors
def context(platform: PlatformOption = None, scope: ScopeOption = "project",
            as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Per platform: always-loaded bytes and tokens, what loads on demand, what was reduced.

    \b
    Examples:
      aiwg context -p codex
      aiwg context --json
    """
    return context_command.run(_context(project), platform or [], scope=_scope(scope),
                               as_json=as_json)


@app.command("platforms")
@_one_line_errors
def platforms_(as_json: JsonOption = False,
               markdown: Annotated[bool, typer.Option(
                   "--markdown", help="The README's platform table.")] = False,
               scope: ScopeOption = "project") -> int:
    """The matrix of platforms × kinds, read from the adapter files.

    \b
    Examples:
      aiwg platforms
      aiwg platforms --json --scope user
    """
    return platforms_command.run(engine.Context(Path.cwd()).registry, as_json=as_json,
                                 markdown=markdown, scope=_scope(scope))


@app.command("list")
@_one_line_errors
def list_(kind: Annotated[str | None, typer.Option(
        "--kind", help="Only this kind.",
        metavar=f"[{'|'.join(KINDS)}]")] = None,
          tag: Annotated[str | None, typer.Option(
              "--tag", help="Only items with this tag.", metavar="TAG")] = None,
          scope: ScopeOption = "project", as_json: JsonOption = False,
          frozen: FrozenOption = False, project: ProjectOption = None) -> int:
    """Every library item, the layer or shared source it came from, and why it is selected or not.

    \b
    Examples:
      aiwg list --kind rule
      aiwg list --tag core --json
      aiwg list --scope user
    """
    return library_views.run_list(_context(project, frozen).for_scope(_scope(scope)), kind=kind,
                                  tag=tag, as_json=as_json)


@app.command()
@_one_line_errors
def show(item: Annotated[str, typer.Argument(help="An item name or kind/name.", metavar="ITEM",
                                            autocompletion=_complete_item)],
         level: Annotated[str, typer.Option(
             "--level", help="index, summary or full.", metavar="[index|summary|full]")] = "full",
         as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Print one item at one projection.

    \b
    Examples:
      aiwg show stateless-processes --level summary
      aiwg show rule/port-binding
    """
    return library_views.run_show(_context(project), item, level=level, as_json=as_json)


@app.command()
@_one_line_errors
def validate(as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Check every library item; one line per problem, exit 1 if any.

    \b
    Examples:
      aiwg validate
      aiwg validate --json
    """
    return library_views.run_validate(_context(project), as_json=as_json)


def _complete_schema(incomplete: str) -> list[str]:
    from aiwg.schemas import SCHEMA_KINDS

    return [kind for kind in SCHEMA_KINDS if kind.startswith(incomplete)]


@app.command()
@_one_line_errors
def schema(kind: Annotated[str | None, typer.Argument(
        help="config, rule, agent, command, skill, mcp, hook or adapter.", metavar="KIND",
        autocompletion=_complete_schema)] = None,
           list_kinds: Annotated[bool, typer.Option(
               "--list", help="List the kinds, the files each describes and their URLs.")] = False,
           ) -> int:
    """Print the JSON Schema of a file aiwg reads (generated from the validators' model).

    \b
    Examples:
      aiwg schema config > aiwg.schema.json   for an editor, or `#:schema <URL>` in aiwg.toml
      aiwg schema rule                        rule frontmatter, with every platform block
      aiwg schema --list                      every kind, what it describes, its URL
    """
    from aiwg.commands import schema as command

    return command.run(kind, list_kinds=list_kinds)


@app.command()
@_one_line_errors
def init(platform: PlatformOption = None, project: ProjectOption = None,
         linguist: Annotated[bool | None, typer.Option(
             "--linguist/--no-linguist",
             help="Mark the files aiwg writes linguist-generated in .gitattributes ([git] "
                  "linguist), so reviews fold them away. Asked on a terminal; off otherwise.",
             show_default=False)] = None) -> int:
    """Write a commented aiwg.toml listing the platforms this project already uses.

    \b
    Examples:
      aiwg init
      aiwg init -p cursor -p codex --linguist
    """
    context = _context(project) if project else engine.Context(Path.cwd().resolve())
    return init_command.run(context.registry, context.project_root,
                            force_platforms=platform or None, linguist=linguist)


@app.command()
@_one_line_errors
def doctor(scope: ScopeOption = "project", as_json: JsonOption = False,
           project: ProjectOption = None) -> int:
    """Check config, library, adapters, manifest, platforms and budgets; one line and a fix each.

    \b
    Examples:
      aiwg doctor                  exit 1 when anything is an error
      aiwg doctor --scope user --json
    """
    from aiwg.commands import doctor as command

    return command.run(_context(project), scope=_scope(scope), as_json=as_json)


@app.command()
@_one_line_errors
def watch(scope: ScopeOption = "project", project: ProjectOption = None) -> int:
    """Sync again whenever the library or aiwg.toml changes (debounced; errors don't stop it).

    \b
    Examples:
      aiwg watch                   keep this project's platforms current while you edit
      aiwg watch --scope user      the same for your home-folder platforms
    """
    from aiwg.commands import watch as command

    chosen = _scope(scope)
    return command.run(lambda: _context(project), scope=chosen)


@app.command("mcp")
@_one_line_errors
def mcp_(project: ProjectOption = None) -> int:
    """Serve the library over MCP on stdio: tools `list`, `search` and `read` (any projection).

    \b
    Examples:
      claude mcp add aiwg -- aiwg mcp    register it with Claude Code
      codex mcp add aiwg -- aiwg mcp     register it with Codex
    """
    from aiwg.commands import mcp_server

    return mcp_server.run(_context(project))


# --- shared sources: add, update, outdated ---------------------------------------------------
SourceNamesArgument = Annotated[list[str] | None, typer.Argument(
    help="Source names (default: every source).", metavar="SOURCE")]


@app.command()
@_one_line_errors
def add(source: Annotated[str, typer.Argument(
            help="A git URL, a folder, or (with --package) an installed package's library.",
            metavar="SOURCE")],
        name: Annotated[str | None, typer.Option(
            "--name", help="The source's name (default: from the URL, folder or package).",
            metavar="NAME")] = None,
        ref: Annotated[str | None, typer.Option(
            "--ref", help="Git tag, branch or commit (default: the repository's HEAD).",
            metavar="REF")] = None,
        path: Annotated[str | None, typer.Option(
            "--path", help="The library's folder inside the repository.", metavar="DIR")] = None,
        package: Annotated[bool, typer.Option(
            "--package", help="SOURCE names a package's `aiwg.libraries` entry point.")] = False,
        scope: ScopeOption = "project", dry_run: DryRunOption = False,
        as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Add a shared library source to aiwg.toml, fetch it and pin it in aiwg.lock.

    \b
    Examples:
      aiwg add https://github.com/acme/ai-rules.git --ref v1.4.0 --path library
      aiwg add ../org-rules                 a local folder
      aiwg add acme-ai-rules --package      an installed package's library
      aiwg add ../org-rules --scope user    into your own aiwg.toml, for every project
    """
    from aiwg.commands import add as command

    return command.run(_context(project).for_scope(_scope(scope)), source, name=name, ref=ref, path=path,
                       package=package, dry_run=dry_run, as_json=as_json)


@app.command()
@_one_line_errors
def update(names: SourceNamesArgument = None,
           ref: Annotated[str | None, typer.Option(
               "--ref", help="Set this git source's ref in aiwg.toml first (a new tag).",
               metavar="REF")] = None,
           scope: ScopeOption = "project", dry_run: DryRunOption = False,
           as_json: JsonOption = False, project: ProjectOption = None) -> int:
    """Resolve sources anew and pin what they give now in aiwg.lock; lists hooks and MCP servers.

    \b
    Examples:
      aiwg update              every source: a branch's newest commit, a changed ref
      aiwg update acme --ref v1.5.0   move one source to a new tag (aiwg.toml and aiwg.lock)
      aiwg update acme --json  one source, as data (what changed, what it runs)
    """
    from aiwg.commands import update as command

    return command.run(_context(project).for_scope(_scope(scope)), names or [], ref=ref, dry_run=dry_run,
                       as_json=as_json)


@app.command()
@_one_line_errors
def outdated(check: Annotated[bool, typer.Option(
                 "--check", help="Exit 1 when any source has something newer.")] = False,
             scope: ScopeOption = "project", as_json: JsonOption = False,
             project: ProjectOption = None) -> int:
    """Sources with newer tags or commits (git ls-remote), versions or content than aiwg.lock pins.

    \b
    Examples:
      aiwg outdated
      aiwg outdated --check --json
    """
    from aiwg.commands import outdated as command

    return command.run(_context(project).for_scope(_scope(scope)), check=check,
                       as_json=as_json)


# --- edits: take a person's edits back (accept, resolve; import and pull) -------------------
PathsArgument = Annotated[list[str] | None, typer.Argument(help="Output files (default: all).",
                                                           metavar="PATH")]


@app.command("import")
@_one_line_errors
def import_(platform: Annotated[str, typer.Option("--platform", "-p", help="Platform id.",
                                                  metavar="ID",
                                                  autocompletion=_complete_platform)],
            scope: ScopeOption = "project", dry_run: DryRunOption = False,
            force: Annotated[bool, typer.Option(
                "--force", help="Overwrite library items that exist.")] = False,
            project: ProjectOption = None) -> int:
    """Turn a platform's existing files into library items (the first deploy adopts them).

    \b
    Examples:
      aiwg import -p claude-code --dry-run   what CLAUDE.md, .claude/ and .mcp.json would give
      aiwg import -p cursor                  .cursor/rules, commands, agents and mcp.json
    """
    from aiwg.commands import import_ as command
    return command.run(_context(project), platform, scope=_scope(scope), dry_run=dry_run,
                       force=force)


@app.command()
@_one_line_errors
def pull(paths: PathsArgument = None, scope: ScopeOption = "project",
         dry_run: DryRunOption = False, project: ProjectOption = None) -> int:
    """Write hand edits of outputs back into the library items they came from.

    \b
    Examples:
      aiwg pull .claude/rules/tests.md   the edited rule file back into rules/tests.md
      aiwg pull                          every output edited by hand
    """
    from aiwg.commands import pull as command
    return command.run(_context(project), paths or [], scope=_scope(scope), dry_run=dry_run)


@app.command()
@_one_line_errors
def accept(paths: PathsArgument = None, platform: PlatformOption = None,
           scope: ScopeOption = "project", dry_run: DryRunOption = False,
           project: ProjectOption = None) -> int:
    """Record what is on disk as intended: the edit stays, diff --check goes green.

    \b
    Examples:
      aiwg accept AGENTS.md        keep the hand edit in AGENTS.md as intended
      aiwg accept -p cursor        every edited Cursor output
    """
    from aiwg.commands import accept as command
    return command.run(_context(project), paths or [], platforms=platform or [],
                       scope=_scope(scope), dry_run=dry_run)


@app.command()
@_one_line_errors
def resolve(paths: PathsArgument = None, scope: ScopeOption = "project",
            markers: Annotated[bool, typer.Option(
                "--markers", help="Write diff3 conflict markers into the live file.")] = False,
            project: ProjectOption = None) -> int:
    """Show a conflict's three versions (base, library, disk), or write markers to merge in place.

    \b
    Examples:
      aiwg resolve AGENTS.md             print base, library and disk side by side
      aiwg resolve AGENTS.md --markers   write diff3 markers into the file to merge it by hand
    """
    from aiwg.commands import resolve as command
    return command.run(_context(project), paths or [], scope=_scope(scope), markers=markers)


class _NamedArgument(TyperArgument):
    """An argument shown by its metavar alone: typer would add the Python type (`ITEM <str>`)."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None if self.metavar else super().display_type_rich(ctx)


class _Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _NamedArgument


# Every command, including any added above later, shows its arguments by name (ITEM, PATH).
for _info in app.registered_commands:
    if _info.cls in (None, TyperCommand):
        _info.cls = _Command


def main() -> None:
    """Entry point: exit codes 0 ok, 1 differences or conflicts, 2 usage or input error."""
    app()

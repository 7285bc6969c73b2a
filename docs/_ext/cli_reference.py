"""Sphinx extension: the command-line reference, generated from the argparse parser.

``ssb-cli`` renders ``pybamm_ssb.cli._parser()``: the top-level usage, then one section per
sub-command, in the parser's order, with its help, its usage and each argument (invocation, help,
choices, default). Help texts are plain text, shown as written.
"""

import argparse

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from pybamm_ssb.cli import _parser


def subcommands(parser):
    """(name, help, sub-parser) of each sub-command of ``parser``, in the order they were added."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    return [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]


def argument_description(action):
    """Help, choices and default of one argument, as a sentence of plain text."""
    parts = [action.help.rstrip(".") + "." if action.help else ""]
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        parts.append(f"One of: {', '.join(map(str, action.choices))}.")
    if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
        parts.append(f"Default: {action.default}.")
    if action.required and action.option_strings:
        parts.append("Required.")
    return " ".join(part for part in parts if part)


def arguments(parser):
    """A definition list of the parser's arguments (``--help`` left out)."""
    formatter = argparse.HelpFormatter(parser.prog)
    listing = nodes.definition_list()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        term = nodes.term("", "", nodes.literal(text=formatter._format_action_invocation(action)))
        listing += nodes.definition_list_item("", term, nodes.definition("", nodes.paragraph(text=argument_description(action))))
    return listing


class CliDirective(SphinxDirective):
    """``ssb-cli``: the reference of every ``pybamm-ssb`` command."""

    def run(self):
        self.env.note_dependency(_parser.__code__.co_filename)
        parser = _parser()
        content = [nodes.literal_block(text=parser.format_usage().strip())]
        for name, help_text, sub in subcommands(parser):
            section = nodes.section(ids=[nodes.make_id(f"cli-{name}")], names=[f"pybamm-ssb {name}"])
            section += nodes.title(text=f"pybamm-ssb {name}")
            section += nodes.paragraph(text=help_text[:1].upper() + help_text[1:] + ".")
            section += nodes.literal_block(text=sub.format_usage().strip())
            section += arguments(sub)
            content.append(section)
        return content


def setup(app):
    app.add_directive("ssb-cli", CliDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

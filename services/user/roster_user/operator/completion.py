"""Shell completion for `roster-user`, generated from the operator's own parser."""

from __future__ import annotations

import argparse

_TEMPLATE = """\
# roster-user completion for bash (zsh: autoload bashcompinit && bashcompinit first).
# Load it with: source <(.venv/bin/roster-user users completion bash)
_roster_user() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} top="" sub="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${{COMP_WORDS[i]}} in
      -*) ;;
      *) if [[ -z $top ]]; then top=${{COMP_WORDS[i]}}; elif [[ -z $sub ]]; then sub=${{COMP_WORDS[i]}}; fi ;;
    esac
  done
  local words
  if [[ -z $top ]]; then
    words="serve migrate users"
  elif [[ $top != users ]]; then
    words="--help"
  else
    case $sub in
      "") words="{commands}" ;;
{cases}
      *) words="--help" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if [[ $sub == import && $cur != -* ]]; then
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}}
complete -o default -F _roster_user roster-user
"""


def bash(parser: argparse.ArgumentParser) -> str:
    """A bash completion script for the commands and flags of `parser`."""
    (subs,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    cases = []
    for name, sub in subs.choices.items():
        flags = sorted(
            o for action in sub._actions for o in action.option_strings if o.startswith("--")
        )
        cases.append(f'      {name}) words="{" ".join(flags)}" ;;')
    return _TEMPLATE.format(commands=" ".join(subs.choices), cases="\n".join(cases))

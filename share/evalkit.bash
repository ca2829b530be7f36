# bash completion for evalkit. Install as
#   /usr/share/bash-completion/completions/evalkit   (cmake --install does this)
# or load it now:  source <(evalkit completion bash)

_evalkit() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="run score validate list runs baseline compare report init import merge annotate completion --help --version"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    return
  fi

  local command=${words[1]}
  case $prev in
    --db|--report-json|--report-html|--junit|--report-md|--record|-o|--output|--json|--html|--md)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --fail-on)
      COMPREPLY=($(compgen -W "failures regressions both" -- "$cur"))
      return ;;
    --repeat)
      COMPREPLY=($(compgen -W "1 2 3 until-fail: until-pass:" -- "$cur"))
      return ;;
    -j|--jobs|--shard|-R|--tests-regex|-E|--exclude-regex|-L|--label-regex|--resume|--baseline|--into)
      return ;;
  esac

  local options=""
  case $command in
    run)
      options="--help --jobs --tests-regex --exclude-regex --label-regex --repeat --rerun-failed
               --stop-on-failure --shard --db --baseline --fail-on --allow-signature-mismatch
               --output-on-failure --report-json --report-html --junit --report-md --record
               --replay-strict --resume --quiet --verbose --no-progress" ;;
    list) options="--help --tests-regex --exclude-regex --label-regex --repeat" ;;
    score)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "bleu chrf rouge levenshtein" -- "$cur"))
        return
      fi
      options="--help" ;;
    baseline)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "save list show rm export import" -- "$cur"))
        return
      fi
      options="--db --suite" ;;
    compare) options="--help --db --allow-signature-mismatch --report-json --report-html --report-md" ;;
    report) options="--help --db --json --html --junit --md" ;;
    runs) options="--db" ;;
    init) options="--help --force" ;;
    import)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "promptfoo" -- "$cur"))
        return
      fi
      options="--help --output" ;;
    merge) options="--help --db --into --output --report-html --junit --report-md" ;;
    annotate)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "import list export" -- "$cur"))
        return
      fi
      options="--help --db --author" ;;
    completion)
      COMPREPLY=($(compgen -W "bash" -- "$cur"))
      return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _evalkit evalkit

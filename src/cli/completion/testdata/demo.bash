# bash completion for demo, generated from its command tree by "demo completion bash".
# Install: demo completion bash > /etc/bash_completion.d/demo   (or: source <(demo completion bash))
_demo_spec() {
  case $1 in
    '') commands='up start image completion help' options='-V --version --json --run -h --help' ;;
    'up') commands='' options='--name --format -h --help --json --run' ;;
    'image') commands='build help' options='-h --help --json --run' ;;
    'image build') commands='' options='-f --force -h --help --json --run' ;;
    'image help') commands='' options='--json --run' ;;
    'completion') commands='bash zsh fish' options='-h --help --json --run' ;;
    'help') commands='' options='--json --run' ;;
    *) commands='' options='' ;;
  esac
}
_demo_child() {
  case $1 in
    '|up'|'|start') REPLY='up' ;;
    '|image') REPLY='image' ;;
    '|completion') REPLY='completion' ;;
    '|help') REPLY='help' ;;
    'image|build') REPLY='image build' ;;
    'image|help') REPLY='image help' ;;
    *) return 1 ;;
  esac
}
_demo_value() {
  case $1 in
    '|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'up|--name') COMPREPLY=($(true)) ;;
    'up|--format') COMPREPLY=($(compgen -W 'text json' -- "$cur")) ;;
    'up|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'image|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'image build|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'image help|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'completion|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'help|--run') COMPREPLY=($(compgen -d -- "$cur")) ;;
    *) return 1 ;;
  esac
}
_demo() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local path='' word i commands options REPLY
  local valued=' --format --name --run '
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    [[ $word == -- ]] && return 0
    if [[ $word == -* ]]; then
      [[ $valued == *" $word "* ]] && ((i++))
      continue
    fi
    _demo_child "$path|$word" && path=$REPLY
  done
  if [[ $prev == -* && $valued == *" $prev "* ]]; then
    _demo_value "$path|$prev"
    return 0
  fi
  _demo_spec "$path"
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  fi
}
complete -F _demo demo

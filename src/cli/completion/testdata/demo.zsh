#compdef demo
# zsh completion for demo, generated from its command tree by "demo completion zsh".
# Install: demo completion zsh > "${fpath[1]}/_demo"   (or: source <(demo completion zsh))
_demo_up() {
  _arguments -s \
    '--name[instance name]:name: ' \
    '--format[how to show it (choices\: "text", "json", default\: "text")]:format:(text json)' \
    '(-h --help)'{-h,--help}'[display help for command]' \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    '1::formula: ' \
    && return 0
}
_demo_image_build() {
  _arguments -s \
    '(-f --force)'{-f,--force}'[again]' \
    '(-h --help)'{-h,--help}'[display help for command]' \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    '1:formula: ' \
    && return 0
}
_demo_image_help() {
  _arguments -s \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    && return 0
}
_demo_image() {
  local curcontext=$curcontext state line
  local -a commands
  commands=(
    'build:Build one'
    'help:display help for command'
  )
  _arguments -C -s \
    '(-h --help)'{-h,--help}'[display help for command]' \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    '1: :->command' \
    '*:: :->argument' && return 0
  case $state in
    command) _describe -t commands 'demo image command' commands ;;
    argument)
      case $words[1] in
      build) _demo_image_build ;;
      help) _demo_image_help ;;
      esac ;;
  esac
}
_demo_completion() {
  _arguments -s \
    '(-h --help)'{-h,--help}'[display help for command]' \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    '1:shell:(bash zsh fish)' \
    && return 0
}
_demo_help() {
  _arguments -s \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    && return 0
}
_demo() {
  local curcontext=$curcontext state line
  local -a commands
  commands=(
    'up:Start something'
    'start:Start something'
    'image:Images'
    'completion:Print a completion script'
    'help:display help for command'
  )
  _arguments -C -s \
    '(-V --version)'{-V,--version}'[output the version number]' \
    '--json[machine-readable output]' \
    '--run[run folder]:dir:_files -/' \
    '(-h --help)'{-h,--help}'[display help for command]' \
    '1: :->command' \
    '*:: :->argument' && return 0
  case $state in
    command) _describe -t commands 'demo command' commands ;;
    argument)
      case $words[1] in
      up|start) _demo_up ;;
      image) _demo_image ;;
      completion) _demo_completion ;;
      help) _demo_help ;;
      esac ;;
  esac
}
if [[ $funcstack[1] == _demo ]]; then
  _demo "$@"
else
  compdef _demo demo
fi

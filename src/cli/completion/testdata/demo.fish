# fish completion for demo, generated from its command tree by "demo completion fish".
# Install: demo completion fish > ~/.config/fish/completions/demo.fish
complete -c demo -f
function __demo_path --description 'the command path of the line being completed'
    set -l valued --format --name --run
    set -l path ''
    set -l skip 0
    set -l words (commandline -opc)
    set -e words[1]
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case --
                echo '--'
                return
            case '-*'
                contains -- $word $valued; and set skip 1
                continue
        end
        switch "$path|$word"
        case '|up' '|start'
            set path 'up'
        case '|image'
            set path 'image'
        case '|completion'
            set path 'completion'
        case '|help'
            set path 'help'
        case 'image|build'
            set path 'image build'
        case 'image|help'
            set path 'image help'
        end
    end
    echo $path
end
function __demo_at --description 'whether the line is at this command path'
    test (__demo_path) = "$argv[1]"
end
complete -c demo -n '__demo_at \'\'' -a 'up' -d 'Start something'
complete -c demo -n '__demo_at \'\'' -a 'start' -d 'Start something'
complete -c demo -n '__demo_at \'\'' -a 'image' -d 'Images'
complete -c demo -n '__demo_at \'\'' -a 'completion' -d 'Print a completion script'
complete -c demo -n '__demo_at \'\'' -a 'help' -d 'display help for command'
complete -c demo -n '__demo_at \'\'' -s V -l version -d 'output the version number'
complete -c demo -n '__demo_at \'\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'\'' -s h -l help -d 'display help for command'
complete -c demo -n '__demo_at \'up\'' -l name -x -d 'instance name'
complete -c demo -n '__demo_at \'up\'' -l format -x -a 'text json' -d 'how to show it (choices: "text", "json", default: "text")'
complete -c demo -n '__demo_at \'up\'' -s h -l help -d 'display help for command'
complete -c demo -n '__demo_at \'up\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'up\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'image\'' -a 'build' -d 'Build one'
complete -c demo -n '__demo_at \'image\'' -a 'help' -d 'display help for command'
complete -c demo -n '__demo_at \'image\'' -s h -l help -d 'display help for command'
complete -c demo -n '__demo_at \'image\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'image\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'image build\'' -s f -l force -d 'again'
complete -c demo -n '__demo_at \'image build\'' -s h -l help -d 'display help for command'
complete -c demo -n '__demo_at \'image build\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'image build\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'image help\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'image help\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'completion\'' -a 'bash'
complete -c demo -n '__demo_at \'completion\'' -a 'zsh'
complete -c demo -n '__demo_at \'completion\'' -a 'fish'
complete -c demo -n '__demo_at \'completion\'' -s h -l help -d 'display help for command'
complete -c demo -n '__demo_at \'completion\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'completion\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'
complete -c demo -n '__demo_at \'help\'' -l json -d 'machine-readable output'
complete -c demo -n '__demo_at \'help\'' -l run -x -a '(__fish_complete_directories)' -d 'run folder'

# bash completion for wordtally, wordtally-mpi and wordtally-gen.
# Installed by `make install` into the bash-completion folder under the name of each command.

_wordtally()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        -f | --format) COMPREPLY=($(compgen -W 'text csv json' -- "$cur")); return ;;
        --kernel) COMPREPLY=($(compgen -W 'auto scalar avx2 avx2-filter avx512 vbmi neon sve' -- "$cur")); return ;;
        --io) COMPREPLY=($(compgen -W 'pread mmap' -- "$cur")); return ;;
        --encoding) COMPREPLY=($(compgen -W 'utf-8 latin1' -- "$cur")); return ;;
        --tokens) COMPREPLY=($(compgen -W 'space words' -- "$cur")); return ;;
        --total) COMPREPLY=($(compgen -W 'auto always only never' -- "$cur")); return ;;
        --decompress) COMPREPLY=($(compgen -W 'auto never' -- "$cur")); return ;;
        --sweep) COMPREPLY=($(compgen -W 'cores 1,2 1,2,4 1,2,4,8' -- "$cur")); return ;;
        --weak) COMPREPLY=($(compgen -W '256M 1G 4G' -- "$cur")); return ;;
        --words-file | --files-from) _filedir; return ;;
        --include | --exclude | --exclude-dir) return ;;
        -w | --word | -t | --threads | -c | --chunk-size | --repeat | --top | --max-memory) return ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-w --word --words-file --encoding --tokens -i --ignore-case -t --threads -c --chunk-size --serial
            --verify -f --format -q --quiet --kernel --io --bind --no-bind -v --verbose --repeat --sweep --weak --topology
            --per-chunk --progress --no-progress --top --vocab --max-memory -r --recursive -L --dereference
            --include= --exclude= --exclude-dir= --files-from --null --total --decompress -h --help -V --version' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi
    _filedir
}

_wordtally_gen()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --encoding) COMPREPLY=($(compgen -W 'utf-8 latin1' -- "$cur")); return ;;
        -s | --seed | -w | --word | -t | --threads) return ;;
        --vocab-out) _filedir; return ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-s --seed -w --word --encoding -i --ignore-case -t --threads --vocab-out -h --help' -- "$cur"))
        return
    fi
    # SIZE first (no completion), then the FILE to write
    local i args=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -s | --seed | -w | --word | -t | --threads | --encoding) ((i++)) ;;
            -*) ;;
            *) ((args++)) ;;
        esac
    done
    ((args == 1)) && _filedir
}

complete -F _wordtally wordtally wordtally-mpi
complete -F _wordtally_gen wordtally-gen

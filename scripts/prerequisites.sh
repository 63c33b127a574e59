# Checks what heed needs on a Debian machine and installs what is missing when it can (root
# with apt-get); otherwise names the missing packages and stops. Sourced by scripts/demo and
# scripts/test. Pass the packages a script needs, as "check:package" pairs.
need_packages() {
    local missing=()
    for pair in "$@"; do
        local check=${pair%%:*} package=${pair#*:}
        if ! eval "$check" >/dev/null 2>&1; then missing+=("$package"); fi
    done
    ((${#missing[@]} == 0)) && return 0
    echo "heed needs: ${missing[*]}" >&2
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "installing them with apt-get…" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2 || {
            echo "apt-get could not install ${missing[*]}; install them and try again" >&2
            exit 69
        }
    else
        echo "install them with: sudo apt-get install ${missing[*]}" >&2
        exit 69
    fi
}

need_swift() {
    if ! command -v swift >/dev/null; then
        echo "heed needs the Swift toolchain (6.0 or later) on PATH: see https://www.swift.org/install/linux/" >&2
        exit 69
    fi
}

NCURSES_CHECK='test -f /usr/include/ncursesw/curses.h'
SQLITE_CHECK='test -f /usr/include/sqlite3.h'
TMUX_CHECK='command -v tmux'
CHROMIUM_CHECK='command -v chromium'
# Debian keeps the server's programs off PATH; the tests start their own server with them.
POSTGRES_CHECK='ls /usr/lib/postgresql/*/bin/initdb'
OPENSSL_CHECK='command -v openssl'
TERMINFO_CHECK='test -e /usr/share/terminfo/t/tmux-256color -o -e /lib/terminfo/t/tmux-256color'

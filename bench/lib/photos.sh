# The benchmarks' photo sets, sourced by bench/*.sh after they set `root` and cd into it:
#
#   . bench/lib/photos.sh
#   big_photos        # sets `big`: the fixture photos above 100 KB (18), as bench/e2e.sh and peers.sh use
big_photos() {
    big=()
    local f
    for f in .cache/fixtures/*.jpg; do [ "$(stat -c %s "$f")" -gt 102400 ] && big+=("$f"); done
    [ "${#big[@]}" -gt 0 ] || { echo "no fixture photos above 100 KB: make fixtures" >&2; exit 1; }
}

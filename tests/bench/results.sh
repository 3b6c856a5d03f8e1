# results.sh: sourced by the benchmark scripts: writing their section of
# tests/bench/results.md, and the one line that names the machine.

# replace the lines between "<!-- NAME:begin -->" and "<!-- NAME:end -->" of FILE by BODY_FILE
put_section() {
    name=$1; file=$2; body=$3
    [ -f "$file" ] || printf '# trackdump benchmark results\n\n' >"$file"
    if ! grep -q "<!-- $name:begin -->" "$file"; then
        printf '\n<!-- %s:begin -->\n<!-- %s:end -->\n' "$name" "$name" >>"$file"
    fi
    awk -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" -v body="$body" '
        $0 == b { print; while ((getline l < body) > 0) print l; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$file" >"$file.new" && mv "$file.new" "$file"
}

machine() {
    cpu=$(awk -F: '/model name/ { sub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)
    mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "$cpu, $(nproc) cores, $mem, Linux $(uname -r)"
}

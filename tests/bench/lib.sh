# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# The benchmark's table rows, shared by tests/bench/run (host) and the VM
# benchmarks in tests/bench/vm/ (guest), which append to the same kind of
# file: ROWS_FILE, one row a line, tab-separated:
#   what  mdevvirtio  alternative  ratio  target  met
# The ratio is the alternative's cost over ours (or our throughput over the
# alternative's, or the target over our figure for an absolute target):
# above 1 means mdevvirtio is better. "met" is yes when ratio >= the target
# ratio. Source it; set ROWS_FILE before calling add_row.

# fmt_us <µs>: "0.85 ms", "312 ms", "3.71 s".
fmt_us() {
	awk -v u="$1" 'BEGIN { if (u < 100000) printf "%.2f ms", u / 1000;
		else if (u < 10000000) printf "%.0f ms", u / 1000; else printf "%.2f s", u / 1e6 }'
}

# add_row <what> <ours> <alternative> <ratio number or -> <target number or -> <target text>
#         [<ratio as shown>]: met when ratio >= target.
add_row() {
	local met=- ratio=${7:-}
	if [[ $4 != - && $5 != - ]]; then
		met=$(awk -v r="$4" -v t="$5" 'BEGIN { print (r >= t ? "yes" : "NO") }')
	fi
	[[ -n $ratio || $4 == - ]] || ratio=$(awk -v r="$4" 'BEGIN { printf "%.2fx", r }')
	ratio=${ratio:--}
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$ratio" "$6" "$met" >>"$ROWS_FILE"
}

print_table() {
	awk -F'\t' '
		{ for (i = 1; i <= 6; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
		END {
			h[1] = "row"; h[2] = "mdevvirtio"; h[3] = "alternative"; h[4] = "ratio"
			h[5] = "target"; h[6] = "met"
			for (i = 1; i <= 6; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
			for (i = 1; i < 6; i++) printf "%-*s  ", w[i], h[i]
			print h[6]
			for (r = 1; r <= NR; r++) {
				for (i = 1; i < 6; i++) printf "%-*s  ", w[i], c[r, i]
				print c[r, 6]
			}
		}' "$1"
}

# median <numbers...>: the middle one (the lower of the two for an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }


# Filter a /sys/kernel/debug/kmemleak report down to the leaks that are ours:
# those whose allocation backtrace has a frame in one of our modules
# ("... [mvsim]"), or a frame that no longer resolves to a symbol (a bare
# "[<addr>] 0xaddr": code of a module unloaded since, and the tests unload
# ours). Prints each such report whole; prints nothing when there is none.
# usage: awk -f kmemleak-ours.awk <report>
function flush() {
	if (block != "" && ours)
		printf "%s", block
	block = ""
	ours = 0
}
/^unreferenced object / { flush() }
{
	block = block $0 "\n"
	if ($0 ~ /\[(mdev_virtio|virtio_mdev|vhost_mdev|mvsim)\]$/ ||
	    $0 ~ /^ *\[<[0-9a-f]+>\] 0x[0-9a-f]+$/)
		ours = 1
}
END { flush() }

# Filter a /sys/kernel/debug/kmemleak report down to the leaks that are ours:
# those whose allocation backtrace has a frame in one of our modules
# ("... [mvsim]"), or a frame that no longer resolves to a symbol (a bare
# "[<addr>] 0xaddr": code of a module unloaded since, and the tests unload
# ours). Prints each such report whole; prints nothing when there is none.
#
# One leak is Linux 6.1's own and is left out, exactly: the name of a kset
# whose kset_register() failed. kset_register() returns the error of
# kobject_add_internal() without freeing the name kobject_set_name() gave
# the kset, and neither bus_register() (its "out:" path frees bus->p only)
# nor kset_create_and_add() (kfree(kset) only) frees it; Linux 6.2 frees it
# in kset_register() ("kset: fix memory leak when kset_register() returns
# error"). A fault injected into bus_register() by 19-kernel-faults leaves
# it behind, under our init's frames. Only a block whose backtrace has
# kobject_set_name() called from bus_register() or kset_create[_and_add]()
# with nothing between is left out.
# usage: awk -f kmemleak-ours.awk <report>
function flush() {
	if (block != "" && ours && !kset_name)
		printf "%s", block
	block = ""
	ours = 0
	kset_name = 0
	prev = ""
}
/^unreferenced object / { flush() }
{
	block = block $0 "\n"
	if ($0 ~ /\[(mdev_virtio|virtio_mdev|vhost_mdev|mvsim)\]$/ ||
	    $0 ~ /^ *\[<[0-9a-f]+>\] 0x[0-9a-f]+$/)
		ours = 1
	if ($0 ~ /^ *\[<[0-9a-f]+>\] /) {
		fn = $2
		sub(/\+0x.*/, "", fn)
		if (prev == "kobject_set_name" &&
		    (fn == "bus_register" || fn == "kset_create" || fn == "kset_create_and_add"))
			kset_name = 1
		prev = fn
	}
}
END { flush() }

# Install locations for system integration files. Defaults come from the pkg-config
# variables of systemd, udev and dbus-1; packagers override the cache variables.

function(mdevvirtio_pkg_dir var module pcvar fallback doc)
	if(DEFINED CACHE{${var}})
		return()
	endif()
	pkg_get_variable(value ${module} ${pcvar})
	if(NOT value)
		set(value "${fallback}")
	endif()
	set(${var} "${value}" CACHE PATH "${doc}")
endfunction()

mdevvirtio_pkg_dir(SYSTEMD_SYSTEM_UNIT_DIR systemd systemdsystemunitdir
	"/lib/systemd/system" "systemd system unit directory")
mdevvirtio_pkg_dir(MODULES_LOAD_DIR systemd modulesloaddir
	"/usr/lib/modules-load.d" "modules-load.d directory")
mdevvirtio_pkg_dir(TMPFILES_DIR systemd tmpfilesdir "/usr/lib/tmpfiles.d" "tmpfiles.d directory")
mdevvirtio_pkg_dir(UDEV_DIR udev udevdir "/lib/udev" "udev directory (rules.d lives below it)")
mdevvirtio_pkg_dir(DBUS_SYSTEM_SERVICES_DIR dbus-1 system_bus_services_dir
	"/usr/share/dbus-1/system-services" "D-Bus system service activation files")
mdevvirtio_pkg_dir(DBUS_INTERFACES_DIR dbus-1 interfaces_dir
	"/usr/share/dbus-1/interfaces" "D-Bus introspection XML files")
# dbus-daemon reads policy from <its datadir>/dbus-1/system.d (and /etc), not
# from under our prefix: take its datadir.
pkg_get_variable(_dbus_datadir dbus-1 datadir)
if(NOT _dbus_datadir)
	set(_dbus_datadir "/usr/share")
endif()
set(DBUS_SYSTEM_POLICY_DIR "${_dbus_datadir}/dbus-1/system.d"
	CACHE PATH "D-Bus system bus policy files")

# DKMS source tree: /usr/src/mdevvirtio-<version>/ holds kmod/ with the
# project's include/uapi/ copied in as uapi/, as the Kbuild expects, and a
# dkms.conf whose PACKAGE_VERSION is the project's (install component "dkms",
# the mdevvirtio-dkms package). Then:
#   dkms install mdevvirtio/<version>
option(MDEVVIRTIO_INSTALL_DKMS "Install the kernel module sources for DKMS" ON)
if(MDEVVIRTIO_INSTALL_DKMS AND EXISTS "${PROJECT_SOURCE_DIR}/kmod/dkms.conf")
	set(DKMS_SOURCE_DIR "/usr/src/mdevvirtio-${PROJECT_VERSION}"
		CACHE PATH "Where the kernel module sources are installed for DKMS")
	file(READ "${PROJECT_SOURCE_DIR}/kmod/dkms.conf" _dkms_conf)
	string(REGEX REPLACE "PACKAGE_VERSION=\"[^\"]*\"" "PACKAGE_VERSION=\"${PROJECT_VERSION}\""
		_dkms_conf "${_dkms_conf}")
	file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/dkms/dkms.conf" CONTENT "${_dkms_conf}")
	# Sources only: `make -C kmod` in the checkout leaves Kbuild's output
	# (and an old build may have left a copied uapi/) beside them.
	install(DIRECTORY "${PROJECT_SOURCE_DIR}/kmod/" DESTINATION "${DKMS_SOURCE_DIR}"
		COMPONENT dkms
		PATTERN "dkms.conf" EXCLUDE
		PATTERN "uapi" EXCLUDE
		PATTERN ".*" EXCLUDE
		REGEX "\\.(o|ko|mod|mod\\.c|cmd|a|symvers|order)$" EXCLUDE)
	install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/uapi/" DESTINATION "${DKMS_SOURCE_DIR}/uapi"
		COMPONENT dkms)
	install(FILES "${CMAKE_BINARY_DIR}/dkms/dkms.conf" DESTINATION "${DKMS_SOURCE_DIR}"
		COMPONENT dkms)
endif()

# The kernel modules are built by Kbuild, not by CMake: this only wraps
# 'make -C kmod' against the headers of one installed kernel. The userspace
# build never depends on it.

set(KERNEL_RELEASE "" CACHE STRING "Kernel release to build the modules for (default: newest with headers)")
if(NOT KERNEL_RELEASE)
	file(GLOB _kbuild_dirs LIST_DIRECTORIES true /lib/modules/*/build)
	list(SORT _kbuild_dirs COMPARE NATURAL ORDER DESCENDING)
	foreach(_dir IN LISTS _kbuild_dirs)
		if(EXISTS "${_dir}/Makefile")
			get_filename_component(_rel "${_dir}" DIRECTORY)
			get_filename_component(KERNEL_RELEASE "${_rel}" NAME)
			break()
		endif()
	endforeach()
endif()

if(NOT EXISTS "${CMAKE_SOURCE_DIR}/kmod/Makefile")
	message(STATUS "Kernel modules: kmod/Makefile missing, target 'kmod' not available")
elseif(KERNEL_RELEASE AND EXISTS "/lib/modules/${KERNEL_RELEASE}/build/Makefile")
	set(KMOD_OUT "${CMAKE_BINARY_DIR}/kmod")
	add_custom_target(kmod
		COMMAND ${CMAKE_COMMAND} -E make_directory "${KMOD_OUT}"
		COMMAND ${CMAKE_COMMAND} -E copy_directory "${CMAKE_SOURCE_DIR}/kmod" "${KMOD_OUT}"
		COMMAND ${CMAKE_COMMAND} -E copy_directory "${CMAKE_SOURCE_DIR}/include/uapi" "${KMOD_OUT}/uapi"
		COMMAND make -C "${KMOD_OUT}" KDIR=/lib/modules/${KERNEL_RELEASE}/build
		COMMENT "Building kernel modules for ${KERNEL_RELEASE}"
		VERBATIM)
	message(STATUS "Kernel modules: target 'kmod' builds for ${KERNEL_RELEASE}")
else()
	message(STATUS "Kernel modules: no kernel headers found, target 'kmod' not available")
endif()

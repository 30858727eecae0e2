# `cmake --install`: headers, libraries, tools, a CMake package and
# pkg-config files (docs/jit.md, "Using an installed tgc").
#
#   <prefix>/include/tgc/{runtime.h,runtime.hpp,jit.h,jit.hpp}
#   <prefix>/lib/libtgc_runtime.a, libtgc_support.a, libtgc_hal.a,
#                                          libtgc_format.a
#   <prefix>/lib/libtgc_jit.so            (with the compiler)
#   <prefix>/bin/tgc, tg-opt, tg-run
#   <prefix>/lib/cmake/tgc/               find_package(tgc): tgc::runtime,
#                                         tgc::jit
#   <prefix>/lib/pkgconfig/tgc-runtime.pc, tgc-jit.pc
#
# The package is hand-written rather than install(EXPORT)ed: the runtime's
# static libraries carry build-tree include paths in their usage
# requirements, and an application needs only the public headers. Every
# installed file locates the prefix relative to itself, so
# `cmake --install build --prefix DIR` gives a working package anywhere.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TGC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tgc)
set(TGC_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES
  ${PROJECT_SOURCE_DIR}/runtime/include/tgc/runtime.h
  ${PROJECT_SOURCE_DIR}/runtime/include/tgc/runtime.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tgc)
# The runtime as four static archives (in link order); applications link
# them through tgc::runtime or tgc-runtime.pc.
install(TARGETS tgc_runtime tgc_support tgc_hal tgc_format
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS tg-run RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(TGC_HAVE_JIT OFF)
if(TARGET tgc_jit)
  set(TGC_HAVE_JIT ON)
  install(FILES
    ${PROJECT_SOURCE_DIR}/jit/include/tgc/jit.h
    ${PROJECT_SOURCE_DIR}/jit/include/tgc/jit.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tgc)
  install(TARGETS tgc_jit LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  foreach(tool tgc tg-opt)
    if(TARGET ${tool})
      # LLVM's default install RPATH is $ORIGIN/../lib, which does not hold
      # libMLIR.so; Debian keeps it in LLVM's own lib directory.
      set_property(TARGET ${tool} APPEND PROPERTY INSTALL_RPATH
        "${LLVM_LIBRARY_DIR}")
      install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    endif()
  endforeach()
endif()

# What the static runtime needs from the system, for the package files.
get_filename_component(TGC_ZSTD_LIBRARY_DIR "${ZSTD_SHARED_LIBRARY}" DIRECTORY)
get_filename_component(TGC_SODIUM_LIBRARY_DIR "${SODIUM_SHARED_LIBRARY}"
  DIRECTORY)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/tgcConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/tgcConfig.cmake
  INSTALL_DESTINATION ${TGC_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
# 0.x: a minor version may break the API, so only the same minor matches.
write_basic_package_version_file(
  ${CMAKE_BINARY_DIR}/cmake/tgcConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_BINARY_DIR}/cmake/tgcConfig.cmake
  ${CMAKE_BINARY_DIR}/cmake/tgcConfigVersion.cmake
  DESTINATION ${TGC_INSTALL_CMAKEDIR})

# pkg-config files find the prefix from their own location (${pcfiledir}).
file(RELATIVE_PATH TGC_PC_PREFIX_FROM_PCFILEDIR
  "/prefix/${TGC_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" TGC_PC_PREFIX_FROM_PCFILEDIR
  "${TGC_PC_PREFIX_FROM_PCFILEDIR}")
set(tgc_pc_files tgc-runtime)
if(TGC_HAVE_JIT)
  list(APPEND tgc_pc_files tgc-jit)
endif()
foreach(pc ${tgc_pc_files})
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in
    ${CMAKE_BINARY_DIR}/cmake/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/cmake/${pc}.pc
    DESTINATION ${TGC_INSTALL_PKGCONFIGDIR})
endforeach()

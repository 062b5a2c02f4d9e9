# mortar_module(NAME DEPS <libs...> [TEST_DEPS <libs...>] [PCH <headers...>]
#               [EXCLUDE <regex...>])
# Builds src/<NAME>/*.cc (minus *_test.cc, *_fuzz.cc, and the files whose path
# relative to src/<NAME> matches an EXCLUDE regex: the module's CMakeLists
# builds those into a library of their own) into the static library
# mortar_<NAME>; every *_test.cc into one GoogleTest binary <NAME>_test run by
# ctest; every *_fuzz.cc into a libFuzzer target when MORTAR_FUZZ is on.
# Sources in subdirectories (src/<NAME>/<sub>/*.cc) are included too.
#
# Build time (tests/README.md, "CI time"): a library of
# MORTAR_PCH_MIN_SOURCES or more files gets a precompiled header of the
# standard and Abseil headers nearly every file includes, plus the PCH
# headers the module names (e.g. <nlohmann/json.hpp>: only headers most of its
# files include, as a bigger PCH costs every file that loads it). Test
# binaries are unity builds of MORTAR_UNITY_BATCH files per translation unit,
# so a test file's file-local names (anonymous namespace, static) must not
# clash with another test file's of the same module.
set(MORTAR_PCH_COMMON
    <algorithm> <cstdint> <functional> <map> <memory> <optional> <string>
    <string_view> <unordered_map> <utility> <vector>
    <absl/status/status.h> <absl/status/statusor.h>)
set(MORTAR_PCH_MIN_SOURCES 8)
set(MORTAR_UNITY_BATCH 8)
function(mortar_module name)
  cmake_parse_arguments(M "" "" "DEPS;TEST_DEPS;PCH;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE all_srcs CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_srcs "")
  set(test_srcs "")
  set(fuzz_srcs "")
  foreach(f ${all_srcs})
    file(RELATIVE_PATH rel ${CMAKE_CURRENT_SOURCE_DIR} ${f})
    set(excluded FALSE)
    foreach(re ${M_EXCLUDE})
      if(rel MATCHES "${re}")
        set(excluded TRUE)
      endif()
    endforeach()
    if(excluded)
      continue()
    elseif(f MATCHES "_test\\.cc$")
      list(APPEND test_srcs ${f})
    elseif(f MATCHES "_fuzz\\.cc$")
      list(APPEND fuzz_srcs ${f})
    else()
      list(APPEND lib_srcs ${f})
    endif()
  endforeach()
  if(lib_srcs)
    add_library(mortar_${name} STATIC ${lib_srcs})
    target_include_directories(mortar_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(mortar_${name} PUBLIC ${M_DEPS})
    list(LENGTH lib_srcs n_srcs)
    if(MORTAR_PCH AND n_srcs GREATER_EQUAL MORTAR_PCH_MIN_SOURCES)
      target_precompile_headers(mortar_${name} PRIVATE ${MORTAR_PCH_COMMON} ${M_PCH})
    endif()
  else()
    add_library(mortar_${name} INTERFACE)
    target_include_directories(mortar_${name} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(mortar_${name} INTERFACE ${M_DEPS})
  endif()
  if(MORTAR_TESTS AND test_srcs)
    add_executable(${name}_test ${test_srcs})
    target_link_libraries(${name}_test PRIVATE mortar_${name} ${M_TEST_DEPS}
                          GTest::gtest GTest::gtest_main GTest::gmock)
    target_compile_definitions(${name}_test PRIVATE
        MORTAR_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    # Test code is GoogleTest macros over the libraries (which keep -O2): at
    # -O1 without debug info it compiles about a third faster.
    target_compile_options(${name}_test PRIVATE $<$<CONFIG:RelWithDebInfo>:-O1 -g0>)
    if(MORTAR_UNITY_TESTS)
      set_target_properties(${name}_test PROPERTIES
          UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${MORTAR_UNITY_BATCH})
    endif()
    add_test(NAME ${name}_test COMMAND ${name}_test)
    set_tests_properties(${name}_test PROPERTIES
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endif()
  if(MORTAR_FUZZ)
    foreach(f ${fuzz_srcs})
      get_filename_component(fname ${f} NAME_WE)
      add_executable(${fname} ${f})
      target_compile_options(${fname} PRIVATE -fsanitize=fuzzer)
      target_link_options(${fname} PRIVATE -fsanitize=fuzzer)
      target_link_libraries(${fname} PRIVATE mortar_${name})
    endforeach()
  endif()
endfunction()

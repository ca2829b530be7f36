# Installs evalkit into a scratch prefix, then builds and tests projects that use the installed
# package: examples/cmake must pass under `ctest -L evals`; a project with a failing suite and a
# suite whose filters select nothing must show them as Failed and Skipped.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR.

function(run_checked)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "'${ARGN}' exited with ${code}\n${out}\n${err}")
  endif()
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected to match '${regex}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run_checked(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(installed bin/evalkit share/evalkit/reports/report.html)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()
file(GLOB judges "${prefix}/share/evalkit/judges/*.yaml")
file(GLOB configs "${prefix}/lib*/cmake/evalkit/evalkitConfig.cmake" "${prefix}/lib/*/cmake/evalkit/evalkitConfig.cmake")
if(NOT configs)
  message(FATAL_ERROR "no evalkitConfig.cmake under ${prefix}/lib")
endif()

# The shipped example passes.
run_checked(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/cmake" -B "${WORK_DIR}/example"
            -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}")
run_checked(${CMAKE_COMMAND} --build "${WORK_DIR}/example")
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}/example" -L evals
                        --output-on-failure
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "ctest -L evals on examples/cmake exited with ${code}\n${out}\n${err}")
endif()
expect_match("${out}" "Test +#1: shout [.]+ +Passed" "example suite")
expect_match("${out}" "Test +#2: shout-greetings [.]+ +Passed" "example suite with -L")
expect_match("${out}" "100% tests passed, 0 tests failed out of 2" "example summary")

# A failing suite fails its test; a suite whose filters select nothing is skipped.
set(project "${WORK_DIR}/failing")
file(WRITE "${project}/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.22)
project(failing LANGUAGES NONE)
enable_testing()
find_package(evalkit REQUIRED)
evalkit_add_suite(echo-wrong suite.yaml LABELS nightly)
evalkit_add_suite(echo-none suite.yaml ARGS -R no-such-case)
evalkit_add_suite(echo-right suite.yaml ARGS -R right)
]=])
file(WRITE "${project}/suite.yaml" [=[
suite: echo
providers:
  - {id: echo, type: exec, command: cat}
prompts:
  - {id: echo, prompt: "{{text}}"}
cases:
  - {id: right, vars: {text: yes}, expected: "yes"}
  - {id: wrong, vars: {text: yes}, expected: "no"}
scorers: [exact_match]
]=])
run_checked(${CMAKE_COMMAND} -S "${project}" -B "${project}/build" -G "${GENERATOR}"
            "-DCMAKE_PREFIX_PATH=${prefix}")
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir "${project}/build" -L evals
                        --output-on-failure
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(code EQUAL 0)
  message(FATAL_ERROR "ctest passed although a suite fails:\n${out}")
endif()
expect_match("${out}" "echo-wrong [.]+[*]+Failed" "failing suite")
expect_match("${out}" "echo-none [.]+[*]+Skipped" "nothing selected")
expect_match("${out}" "echo-right [.]+ +Passed" "passing filter")
expect_match("${out}" "echo/wrong" "output of the failing suite")
message(STATUS "cmake package: install, find_package and evalkit_add_suite work")
